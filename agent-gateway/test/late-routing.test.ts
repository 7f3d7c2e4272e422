// The routing rule holds for agents that answer the file query late and for
// those that connect after the action was added: each gets the action when
// its answer fits as well as the chosen agents' did, and the add does not
// wait for an agent slower than the one that settles the choice.
import assert from 'node:assert/strict';
import { sonde, type Envelope } from '@sonde/protocol';
import { ProtocolPeer } from '@sonde/rpc/testing';
import { LOG_ACTION } from './support.js';
import { startTestGateway, type TestGateway } from '../src/testing.js';

const { LineMatch, Runtime } = sonde.v1;
const FILE = '/srv/app/src/server.js';
const SAME: sonde.v1.IFileQueryResult = { loadedPath: FILE, sameContent: true, lineMatch: LineMatch.LINE_MATCH_SAME };
const DIFFERS: sonde.v1.IFileQueryResult = { loadedPath: FILE, lineMatch: LineMatch.LINE_MATCH_DIFFERS, lineMatchReason: 'the running code differs: running line 12 reads "other();"' };

interface AnsweringAgent {
  peer: ProtocolPeer;
  /** The ids in the gateway's reply to its hello. */
  atHello: string[];
  /** Resolves once the agent has answered this many file queries and the gateway has read the answers (an ack on the same connection after them). */
  answered(n: number): Promise<void>;
}

async function connectAnswering(url: string, agentId: string, answer: () => sonde.v1.IFileQueryResult | Promise<sonde.v1.IFileQueryResult>): Promise<AnsweringAgent> {
  const peer = await ProtocolPeer.connect(url, '/v1/agent');
  let count = 0;
  const wakers: (() => void)[] = [];
  peer.onFrame((e: Envelope) => {
    if (!e.fileQuery) return;
    void Promise.resolve(answer()).then((r) => {
      peer.send({ replyTo: e.id, fileQueryResult: r });
      count++;
      for (const w of wakers.splice(0)) w();
    });
  });
  const set = await peer.requestWhole({ hello: { agentId, runtime: Runtime.RUNTIME_NODE, host: 'test', roots: ['/srv/app'], files: [{ path: FILE }] } });
  assert.ok(set.actionSet, JSON.stringify(set.error));
  return {
    peer,
    atHello: (set.actionSet.actions ?? []).map((a) => a.id ?? ''),
    async answered(n) {
      while (count < n) await new Promise<void>((r) => wakers.push(r));
      await peer.request({ filesLoaded: { files: [] } });
    },
  };
}

/** Every action the agent was sent, with its hello and after. */
const sent = (a: AnsweringAgent) => [...a.atHello, ...a.peer.received.filter((e) => e.actionUpsert).map((e) => e.actionUpsert!.action!.id)];

describe('gateway: routing for late answers and later agents', function () {
  this.timeout(20_000);
  let g: TestGateway;
  let client: ProtocolPeer;
  beforeEach(async () => {
    g = await startTestGateway();
    client = await ProtocolPeer.connect(g.url, '/v1/client');
  });
  afterEach(async () => {
    client.close();
    await g.close();
  });

  it('sends to an agent that connects later when its file is the editor\'s, not when its line differs', async () => {
    const first = await connectAnswering(g.url, 'first', () => SAME);
    const id = (await client.request({ addAction: { action: LOG_ACTION } })).actionInfo?.action?.id;
    assert.ok(id);
    await first.peer.next((e) => e.actionUpsert?.action?.id === id, 'the upsert to the first agent');
    const replica = await connectAnswering(g.url, 'replica', () => SAME);
    await replica.peer.next((e) => e.actionUpsert?.action?.id === id, 'the upsert to the replica that connected later');
    const other = await connectAnswering(g.url, 'other', () => DIFFERS);
    await other.answered(1);
    assert.deepEqual(sent(other), [], 'an agent whose running line differs is not sent the action');
    for (const a of [first, replica, other]) a.peer.close();
  });

  it('keeps an action with a target while no agent runs, and sends it to a matching one that connects and sees the file', async () => {
    const none = await client.request({ addAction: { action: LOG_ACTION } });
    assert.match(none.error?.message ?? '', /no agent is connected to this gateway; .*to place it for agents that have not started yet, give it a target/);
    const added = await client.request({ addAction: { action: { ...LOG_ACTION, target: { tags: ['batch'] } } } });
    const id = added.actionInfo?.action?.id;
    assert.ok(id, JSON.stringify(added.error));
    const untagged = await connectAnswering(g.url, 'web', () => SAME);
    await untagged.answered(0);
    const job = await ProtocolPeer.connect(g.url, '/v1/agent');
    job.onFrame((e: Envelope) => {
      if (e.fileQuery) job.send({ replyTo: e.id, fileQueryResult: { existingPath: FILE } });
    });
    await job.requestWhole({ hello: { agentId: 'job', runtime: Runtime.RUNTIME_NODE, host: 'test', roots: ['/srv/app'], tags: ['batch'] } });
    await job.next((e) => e.actionUpsert?.action?.id === id, 'the kept action, sent to the tagged agent that sees the file on disk');
    assert.deepEqual(sent(untagged), [], 'not to an agent the target does not name');
    untagged.peer.close();
    job.close();
  });

  it('decides on the first agent with the editor\'s content and sends to a slower one when it answers', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const fast = await connectAnswering(g.url, 'fast', () => SAME);
    const slow = await connectAnswering(g.url, 'slow', async () => (await released, SAME));
    const reply = await client.request({ addAction: { action: LOG_ACTION } });
    const id = reply.actionInfo?.action?.id;
    assert.ok(id, JSON.stringify(reply.error));
    assert.deepEqual(sent(slow), [], 'the add answered before the slow agent did');
    release();
    await slow.peer.next((e) => e.actionUpsert?.action?.id === id, 'the upsert to the slow agent once it answered');
    await fast.peer.next((e) => e.actionUpsert?.action?.id === id, 'the upsert to the fast agent');
    for (const a of [fast, slow]) a.peer.close();
  });

  it('keeps whom an action went to across a restart: that agent is sent it with its hello, a new one is asked', async () => {
    const first = await connectAnswering(g.url, 'first', () => SAME);
    const id = (await client.request({ addAction: { action: LOG_ACTION } })).actionInfo?.action?.id;
    first.peer.close();
    client.close();
    await g.restart();
    client = await ProtocolPeer.connect(g.url, '/v1/client');
    const back = await ProtocolPeer.connect(g.url, '/v1/agent');
    const set = await back.requestWhole({ hello: { agentId: 'first', runtime: Runtime.RUNTIME_NODE, roots: ['/srv/app'], files: [{ path: FILE }] } });
    assert.deepEqual(set.actionSet?.actions?.map((a) => a.id), [id]);
    const stranger = await connectAnswering(g.url, 'stranger', () => DIFFERS);
    await stranger.answered(1);
    assert.deepEqual(sent(stranger), []);
    back.close();
    stranger.peer.close();
  });
});
