import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { sonde } from '@sonde/protocol';
import { RequestError, UnavailableError } from '@sonde/rpc';
import { ProtocolPeer } from '@sonde/rpc/testing';
import { askOne } from '../src/actions/file-check.js';
import { InProcessBus } from '../src/bus/in-process.js';
import { AgentRegistry } from '../src/connections/agent-registry.js';
import { Subscribers } from '../src/connections/subscribers.js';
import { Peer } from '../src/endpoints/peer.js';
import { noDrops } from '../src/connections/drops.js';
import { FileList } from '../src/connections/file-list.js';
import { DEFAULT_LIMITS } from '../src/limits.js';

/**
 * An in-process bus over real connections: each agent is a ProtocolPeer on
 * the far end of a WebSocket whose near end is a gateway Peer in the registry.
 */
describe('in-process bus', () => {
  let wss: WebSocketServer;
  let registry: AgentRegistry;
  let bus: InProcessBus;
  const far: ProtocolPeer[] = [];
  const logged: string[] = [];

  beforeEach(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    registry = new AgentRegistry();
    bus = new InProcessBus(registry, new Subscribers());
  });
  afterEach(async () => {
    for (const p of far.splice(0)) p.close();
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  async function connectAgent(agentId: string): Promise<ProtocolPeer> {
    const near = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    const peer = await ProtocolPeer.connect(`http://127.0.0.1:${(wss.address() as AddressInfo).port}`, '/v1/agent');
    const gatewaySide = new Peer(await near, `test-${agentId}`, '/v1/agent', { kind: 'agent', name: agentId, roles: [] }, {}, (m) => logged.push(m));
    registry.add({ peer: gatewaySide, hello: { agentId, roots: ['/srv/app'] }, fileList: new FileList(DEFAULT_LIMITS), instance: `${agentId}/1`, connectedAtMs: 0, drops: noDrops() });
    far.push(peer);
    return peer;
  }

  it('rejects a file query nobody answers with UnavailableError once the timeout passes', async () => {
    await connectAgent('silent');
    const started = Date.now();
    const err = await bus.ask('silent', { fileQuery: { path: 'src/a.js' } }, { timeoutMs: 50, what: 'file_query' }).catch((e: unknown) => e);
    assert.ok(err instanceof UnavailableError, String(err));
    assert.equal(err.reason, 'timeout');
    assert.match(err.message, /agent test-silent did not answer file_query within 50 ms/);
    assert.ok(Date.now() - started >= 45);
  });

  it('resolves with the reply, rejects an Error reply with RequestError, and an agent not connected with UnavailableError', async () => {
    const agent = await connectAgent('a1');
    agent.onFrame((e) => {
      if (e.fileQuery?.path === 'src/a.js') agent.send({ replyTo: e.id, fileQueryResult: { loadedPath: '/srv/app/src/a.js' } });
      else if (e.fileQuery) agent.send({ replyTo: e.id, error: { code: sonde.v1.ErrorCode.ERROR_CODE_INTERNAL, message: 'boom' } });
    });
    const reply = await bus.ask('a1', { fileQuery: { path: 'src/a.js' } }, { timeoutMs: 2000 });
    assert.equal(reply.fileQueryResult?.loadedPath, '/srv/app/src/a.js');
    await assert.rejects(bus.ask('a1', { fileQuery: { path: 'src/b.js' } }, { timeoutMs: 2000 }), (e: unknown) => e instanceof RequestError && e.message === 'boom');
    await assert.rejects(bus.ask('nobody', { fileQuery: { path: 'src/a.js' } }, { timeoutMs: 2000 }), (e: unknown) => e instanceof UnavailableError && e.reason === 'not-open');
  });

  it('turns the answers into what the action service reports: seen, an error, no answer in time', async () => {
    const sees = await connectAgent('sees');
    const fails = await connectAgent('fails');
    await connectAgent('silent');
    sees.onFrame((e) => e.fileQuery && sees.send({ replyTo: e.id, fileQueryResult: { loadedPath: '/srv/app/src/a.js' } }));
    fails.onFrame((e) => e.fileQuery && fails.send({ replyTo: e.id, error: { code: sonde.v1.ErrorCode.ERROR_CODE_INTERNAL, message: 'boom' } }));
    const answers = await Promise.all(bus.agents().map((t) => askOne(bus, t, { path: 'src/a.js' }, 100)));
    assert.deepEqual(answers, [
      { agentId: 'sees', appName: '', process: '/0', sees: true, why: 'loaded /srv/app/src/a.js', sameContent: false, lineMatch: sonde.v1.LineMatch.LINE_MATCH_UNKNOWN, lineReason: '', loaded: true },
      { agentId: 'fails', appName: '', process: '/0', sees: false, why: 'error: boom' },
      { agentId: 'silent', appName: '', process: '/0', sees: false, why: 'did not answer in time' },
    ]);
  });

  it('pushes to the agents named and to all of them', async () => {
    const a = await connectAgent('a');
    const b = await connectAgent('b');
    bus.toAgents(['b', 'gone'], { actionRemoved: { actionId: 'only-b' } });
    bus.toAllAgents({ actionRemoved: { actionId: 'all' } });
    assert.equal((await b.next((e) => !!e.actionRemoved, 'the push to b')).actionRemoved?.actionId, 'only-b');
    assert.equal((await a.next((e) => !!e.actionRemoved, 'the push to all')).actionRemoved?.actionId, 'all');
    assert.equal((await b.next((e) => !!e.actionRemoved, 'the push to all')).actionRemoved?.actionId, 'all');
  });
});
