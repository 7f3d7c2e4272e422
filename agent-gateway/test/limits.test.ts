// Issue 11, case 5: what one connection may make the gateway hold or do is
// capped, and everyone else is served meanwhile.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { CloseCode, sonde } from '@sonde/protocol';
import { endpointUrl } from '@sonde/rpc';
import { ProtocolPeer, ScriptedAgent } from '@sonde/rpc/testing';
import { health, LOG_ACTION, until } from './support.js';
import { startTestGateway, type TestGateway } from '../src/testing.js';

const { ErrorCode } = sonde.v1;
const FILE = '/srv/app/src/server.js';

/** Opens a WebSocket, or resolves with the HTTP status and body that refused it. */
function tryConnect(url: string): Promise<{ ws?: WebSocket; status?: number; body?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(endpointUrl(url, '/v1/client'));
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
  });
}

describe('gateway: per-connection limits (case 5)', function () {
  this.timeout(60_000);
  let g: TestGateway | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it('keeps the earliest files an agent reports up to the cap and refuses the rest, naming the cap', async () => {
    g = await startTestGateway({ limits: { maxFilesPerAgent: 10 } });
    const agent = await ScriptedAgent.connect(g.url, { agentId: 'a1' }, Array.from({ length: 6 }, (_, i) => `/srv/app/f${i}.js`));
    assert.ok((await agent.peer.request({ filesLoaded: { files: [{ path: '/srv/app/g0.js' }] } })).ack);
    const over = await agent.peer.request({ filesLoaded: { files: Array.from({ length: 6 }, (_, i) => ({ path: `/srv/app/h${i}.js` })) } });
    assert.equal(over.error?.code, ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED);
    assert.equal(over.error?.message, "files_loaded.files: this agent reported 10 files, the gateway's limit per agent; the earliest 10 are kept, the last 3 of this report are not (actions on those files still reach the agent)");
    const again = await agent.peer.request({ hello: { agentId: 'a1' } });
    assert.equal(again.error?.code, ErrorCode.ERROR_CODE_FAILED_PRECONDITION, 'the agent is still connected and served');
    agent.close();
  });

  it('refuses files past the default cap and prints how much memory 60 FilesLoaded frames of ~890 KB cost', async () => {
    g = await startTestGateway();
    const agent = await ScriptedAgent.connect(g.url, { agentId: 'a1' }, [FILE]);
    const c = await ProtocolPeer.connect(g.url, '/v1/client');
    global.gc?.();
    const before = process.memoryUsage().rss;
    let refused = 0;
    for (let frame = 0; frame < 60; frame++) {
      const files = Array.from({ length: 4400 }, (_, i) => ({ path: `/srv/app/node_modules/${frame}/${i}/${'p'.repeat(180)}.js` }));
      const r = await agent.peer.request({ filesLoaded: { files } });
      if (r.error) {
        assert.equal(r.error.code, ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED);
        assert.match(r.error.message ?? '', /this agent reported (50000 files|10000000 characters of file paths), the gateway's limit per agent; the earliest \d+ are kept/);
        refused++;
      }
    }
    const grown = (process.memoryUsage().rss - before) / 1e6;
    console.log(`      60 × ~890 KB of files_loaded: ${refused} frames refused, rss grew by ${grown.toFixed(0)} MB (this process runs the gateway and the sender)`);
    assert.ok(refused > 0);
    assert.ok((await c.request({ listActions: {} })).actionList, 'other clients served');
    agent.close();
    c.close();
  });

  it('closes an agent that does not say hello in time, with 1008 and the reason, and keeps the others', async () => {
    g = await startTestGateway({ limits: { helloTimeoutMs: 300 } });
    const polite = await ScriptedAgent.connect(g.url, { agentId: 'a1' }, [FILE]);
    const silent = await ProtocolPeer.connect(g.url, '/v1/agent');
    const closed = await silent.closed;
    assert.equal(closed.code, CloseCode.policyViolation);
    assert.equal(closed.reason, 'no hello within 0.3 s; the first message on /v1/agent must be a Hello');
    const again = await polite.peer.request({ hello: { agentId: 'a1' } });
    assert.equal(again.error?.code, ErrorCode.ERROR_CODE_FAILED_PRECONDITION, 'an agent that said hello stays');
    polite.close();
  });

  it('answers 429 past the connections per address, and accepts again once one closes', async () => {
    g = await startTestGateway({ limits: { maxConnectionsPerAddress: 3 } });
    const open = await Promise.all([1, 2, 3].map(() => tryConnect(g!.url)));
    assert.ok(open.every((o) => o.ws));
    const refused = await tryConnect(g.url);
    assert.equal(refused.status, 429);
    assert.equal(refused.body, "too many connections from 127.0.0.1: 3 are open, the gateway's limit per address; close some, or raise the gateway's maxConnectionsPerAddress (agents behind one NAT share an address)\n");
    const first = open[0]!.ws!;
    await new Promise((resolve) => {
      first.once('close', resolve);
      first.close();
    });
    let next = await tryConnect(g.url);
    // The server side of the closed socket may be a moment behind the client's close event.
    for (let i = 0; !next.ws && i < 250; i++) {
      await new Promise((r) => setTimeout(r, 20));
      next = await tryConnect(g.url);
    }
    assert.ok(next.ws, 'a connection is accepted again');
    for (const o of [...open.slice(1), next]) o.ws?.close();
  });

  it('drops log lines past the event rate, counting them, keeps states, and keeps the connection', async () => {
    g = await startTestGateway({ limits: { eventsPerSecond: 10, eventBurst: 20 } });
    const agent = await ScriptedAgent.connect(g.url, { agentId: 'a1' }, [FILE]);
    const c = await ProtocolPeer.connect(g.url, '/v1/client');
    await c.request({ subscribe: {} });
    const id = (await c.request({ addAction: { action: LOG_ACTION } })).actionInfo?.action?.id ?? '';
    const lines = Array.from({ length: 100 }, (_, i) => ({ log: { actionId: id, text: `${i}` } }));
    agent.sendEvents([...lines, { state: { actionId: id, state: sonde.v1.ActionStateKind.ACTION_STATE_KIND_ACTIVE } }, {}, {}]);
    const push = await c.next((e) => !!e.events?.events?.some((x) => x.state), 'the batch');
    const forwarded = push.events!.events!.filter((x) => x.log).length;
    const h = await health(g.url);
    console.log(`      100 lines at 10/s with a burst of 20: ${forwarded} forwarded, ${h.gatewayDropped.overRate} dropped`);
    assert.ok(forwarded >= 20 && forwarded < 100, `${forwarded} forwarded`);
    assert.equal(forwarded + h.gatewayDropped.overRate!, 100);
    assert.equal(h.gatewayDropped.empty, 2, 'events with no body are counted');
    assert.equal(h.perAgent[0]?.gatewayDropped.overRate, h.gatewayDropped.overRate);
    const again = await agent.peer.request({ hello: { agentId: 'a1' } });
    assert.equal(again.error?.code, ErrorCode.ERROR_CODE_FAILED_PRECONDITION, 'the connection is kept');
    agent.close();
    c.close();
  });

  it('stops reading a connection whose messages pile up, serves the others, and answers every request in order', async () => {
    g = await startTestGateway({ limits: { maxMessagesInFlight: 4 } });
    // An agent that holds its answers to file queries until told, so that add_action requests pile up behind the first.
    const agent = await ProtocolPeer.connect(g.url, '/v1/agent');
    await agent.request({ hello: { agentId: 'slow', runtime: sonde.v1.Runtime.RUNTIME_NODE, roots: ['/srv/app'] } });
    const held: sonde.v1.Envelope[] = [];
    let answering = false;
    const answer = (e: sonde.v1.Envelope) => agent.send({ replyTo: e.id, fileQueryResult: { loadedPath: FILE } });
    agent.onFrame((e) => {
      if (e.fileQuery) (answering ? answer(e) : held.push(e));
    });
    const c = await ProtocolPeer.connect(g.url, '/v1/client');
    const other = await ProtocolPeer.connect(g.url, '/v1/client');
    const order: number[] = [];
    c.onFrame((e) => void order.push(e.replyTo));
    const replies = Array.from({ length: 10 }, (_, i) => c.request({ addAction: { action: { ...LOG_ACTION, location: { file: 'src/server.js', line: i + 1 } } } }, 20_000));
    await until(() => g!.logs.some((l) => /4 messages wait for the gateway, the limit per connection; reading it paused until some are done/.test(l)), 'the pause');
    assert.ok((await other.request({ listActions: {} })).actionList, 'another client is served while that one is paused');
    answering = true;
    for (const e of held.splice(0)) answer(e);
    const answered = await Promise.all(replies);
    assert.ok(answered.every((r) => r.actionInfo?.action?.id), JSON.stringify(answered.find((r) => !r.actionInfo)));
    assert.deepEqual(answered.map((r) => r.actionInfo?.action?.location?.line), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'replies in the order of the requests');
    for (const p of [agent, c, other]) p.close();
  });

  it('writes at most the set number of lines about bad input per window, then a summary', async () => {
    g = await startTestGateway({ limits: { logLinesPerWindow: 3, logWindowMs: 400 } });
    const c = await ProtocolPeer.connect(g.url, '/v1/client');
    for (let i = 0; i < 20; i++) c.ws.send(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    for (let i = 0; i < 20; i++) await c.next((e) => !!e.error, 'an error');
    await until(() => g!.logs.some((l) => l.startsWith('17 more like this')), 'the summary');
    assert.equal(g.logs.filter((l) => l.includes('is not a sonde.v1.Envelope')).length, 3);
    assert.ok(g.logs.includes('17 more like this in the last 0.4 s (frames that do not decode)'), g.logs.join('\n'));
    assert.ok((await c.request({ listActions: {} })).actionList, 'still served');
    c.close();
  });
});
