// Issue 11, case 3: one event whose string is not UTF-8 costs that event
// only; the rest of the batch reaches the clients and the drop is counted.
import assert from 'node:assert/strict';
import { encodeEnvelope, sonde } from '@sonde/protocol';
import { ProtocolPeer, ScriptedAgent } from '@sonde/rpc/testing';
import { health, LOG_ACTION } from './support.js';
import { startTestGateway, type TestGateway } from '../src/testing.js';

const { ActionStateKind } = sonde.v1;

/** An encoded batch whose `BAD` string is patched to 0xED 0xA0 0xBD: a lone surrogate (U+D83D) encoded raw, as protobufjs writes "\ud83d". */
function batchWithLoneSurrogate(events: sonde.v1.IEvent[]): Buffer {
  const frame = Buffer.from(encodeEnvelope({ events: { events } }));
  const at = frame.indexOf('BAD');
  assert.ok(at > 0);
  frame.set([0xed, 0xa0, 0xbd], at);
  return frame;
}

describe('gateway: a string that is not UTF-8 (case 3)', () => {
  let g: TestGateway;
  beforeEach(async () => {
    g = await startTestGateway();
  });
  afterEach(async () => {
    await g.close();
  });

  it('drops only the bad event, forwards the rest of the batch, counts the drop, and answers no error', async () => {
    const agent = await ScriptedAgent.connect(g.url, { agentId: 'a1' }, ['/srv/app/src/server.js']);
    const c = await ProtocolPeer.connect(g.url, '/v1/client');
    const other = await ProtocolPeer.connect(g.url, '/v1/client');
    await c.request({ subscribe: {} });
    const id = (await c.request({ addAction: { action: LOG_ACTION } })).actionInfo?.action?.id ?? '';
    agent.peer.ws.send(
      batchWithLoneSurrogate([
        { log: { actionId: id, text: 'before' } },
        { log: { actionId: id, text: 'x=BAD' } },
        { state: { actionId: id, state: ActionStateKind.ACTION_STATE_KIND_ACTIVE } },
        { hits: { actionId: id, hits: 3 } },
        { log: { actionId: id, text: 'after' } },
      ]),
    );
    const push = await c.next((e) => !!e.events?.events?.some((x) => x.log), 'the rest of the batch');
    const events = push.events!.events!;
    assert.deepEqual(events.filter((x) => x.log).map((x) => x.log!.text), ['before', 'after']);
    assert.equal(events.find((x) => x.state)?.state?.state, ActionStateKind.ACTION_STATE_KIND_ACTIVE);
    assert.equal(Number(events.find((x) => x.hits)?.hits?.hits), 3);
    const h = await health(g.url);
    assert.equal(h.gatewayDropped.invalid, 1);
    assert.equal(h.perAgent.find((a) => a.agentId === 'a1')?.gatewayDropped.invalid, 1);
    assert.ok(g.logs.some((l) => /agent a1: 1 event\(s\) of a batch did not decode .* the rest of the batch was kept/.test(l)), g.logs.join('\n'));
    // A barrier: anything the gateway answered to the bad frame came before this reply.
    assert.ok(await agent.peer.request({ hello: { agentId: 'a1' } }));
    assert.ok(!agent.peer.received.some((e) => e.error && e.replyTo === 0), `no error for the salvaged frame: ${JSON.stringify(agent.peer.received)}`);
    assert.ok((await other.request({ listActions: {} })).actionList, 'other clients are served');
    for (const p of [agent.peer, c, other]) p.close();
  });

  it('cuts an over-long state reason without splitting a surrogate pair, so clients can read what it forwards', async () => {
    const agent = await ScriptedAgent.connect(g.url, { agentId: 'a1' }, ['/srv/app/src/server.js']);
    const c = await ProtocolPeer.connect(g.url, '/v1/client');
    await c.request({ subscribe: {} });
    const id = (await c.request({ addAction: { action: LOG_ACTION } })).actionInfo?.action?.id ?? '';
    // The pair straddles the 1,024th character: a plain slice there leaves its first half.
    const reason = `${'x'.repeat(1023)}\u{1F600}and more`;
    agent.sendEvents([{ state: { actionId: id, state: ActionStateKind.ACTION_STATE_KIND_ERROR, reason } }]);
    const push = await c.next((e) => !!e.events?.events?.some((x) => x.state?.state === ActionStateKind.ACTION_STATE_KIND_ERROR), 'the state');
    assert.equal(push.events!.events!.find((x) => x.state)!.state!.reason, `${'x'.repeat(1023)}…`);
    assert.deepEqual(c.problems, []);
    agent.close();
    c.close();
  });

  it('still refuses a frame that is not an event batch at all', async () => {
    const agent = await ScriptedAgent.connect(g.url, { agentId: 'a1' }, ['/srv/app/src/server.js']);
    const frame = Buffer.from(encodeEnvelope({ filesLoaded: { files: [{ path: '/srv/app/BAD.js' }] } }));
    frame.set([0xed, 0xa0, 0xbd], frame.indexOf('BAD'));
    agent.peer.ws.send(frame);
    const err = await agent.peer.next((e) => !!e.error, 'an error');
    assert.equal(err.error?.code, sonde.v1.ErrorCode.ERROR_CODE_INVALID_FRAME);
    agent.close();
  });
});
