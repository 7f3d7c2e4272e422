import assert from 'node:assert/strict';
import type WebSocket from 'ws';
import { decodeEnvelope, encodeEnvelope, MAX_FRAME_BYTES, sonde } from '@sonde/protocol';
import { EnvelopeChannel, fitFrames, type Handlers } from '../src/index.js';
import { nextFrame, openClient, startServer, type TestServer } from './support.js';

const action = (i: number, size: number): sonde.v1.IActionInfo => ({ action: { id: `a${i}`, format: 'x'.repeat(size) } });

describe('fitFrames', () => {
  it('splits a list into envelopes that each fit in a frame, in order, losing nothing', () => {
    const items = Array.from({ length: 300 }, (_, i) => action(i, 4000));
    const parts = fitFrames(items, (chunk) => ({ actionList: { actions: chunk } }));
    assert.ok(parts.length >= 2, `300 × 4 KB went into ${parts.length} frame(s)`);
    for (const p of parts) assert.ok(encodeEnvelope({ ...p, replyTo: 0xffffffff, more: true }).length <= MAX_FRAME_BYTES);
    assert.deepEqual(parts.flatMap((p) => p.actionList!.actions!.map((a) => a.action!.id)), items.map((a) => a.action!.id));
  });

  it('with a cost estimate instead of encoding, keeps each frame under the limit as long as the estimate is an upper bound', () => {
    // 5,000 states with 400-character reasons, some characters three bytes in UTF-8: what an agent's flush may hold.
    const reason = `/srv/app/${'é€'.repeat(100)}/src/server.js is not loaded`.padEnd(400, 'x');
    const states = Array.from({ length: 5000 }, (_, i) => ({ state: { actionId: `action-${i}`, agentId: 'a1', reason, state: 1, reasonCode: 4 } }));
    let encoded = 0;
    const parts = fitFrames(states, (chunk) => ({ events: { events: chunk } }), { cost: (e) => 3 * (e.state.reason.length + e.state.actionId.length) + 128 });
    for (const p of parts) {
      encoded++;
      assert.ok(encodeEnvelope(p).length < MAX_FRAME_BYTES);
    }
    assert.ok(encoded > 1, 'one frame would have been over 1 MiB');
    assert.deepEqual(parts.flatMap((p) => p.events!.events!.map((e) => e.state!.actionId)), states.map((e) => e.state.actionId));
  });

  it('gives one empty envelope for nothing, and leaves out (reporting) an item that can never fit', () => {
    assert.deepEqual(fitFrames([], (chunk) => ({ actionList: { actions: chunk } })), [{ actionList: { actions: [] } }]);
    const dropped: string[] = [];
    const parts = fitFrames([action(1, 10), action(2, MAX_FRAME_BYTES), action(3, 10)], (chunk) => ({ actionList: { actions: chunk } }), {
      tooLarge: (item, bytes) => dropped.push(`${item.action!.id} ${bytes > MAX_FRAME_BYTES}`),
    });
    assert.deepEqual(dropped, ['a2 true']);
    assert.deepEqual(parts.flatMap((p) => p.actionList!.actions!.map((a) => a.action!.id)), ['a1', 'a3']);
  });
});

describe('EnvelopeChannel replies in parts (real WebSockets on loopback)', () => {
  let server: TestServer;
  let clientSocket: WebSocket;
  let serverChannel: EnvelopeChannel;
  let clientChannel: EnvelopeChannel;

  async function pair(handlers: Handlers): Promise<void> {
    const accepted = server.nextSocket();
    clientSocket = await openClient(`${server.url.replace('http', 'ws')}/v1/test`);
    serverChannel = new EnvelopeChannel((await accepted).socket, { endpoint: '/v1/test', peer: 'the client', handlers });
    clientChannel = new EnvelopeChannel(clientSocket, { endpoint: 'the client', peer: 'the server' });
  }

  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    clientSocket?.terminate();
    await server.close();
  });

  it('sends a list larger than a frame in parts, and the requester reads them as one reply', async () => {
    const items = Array.from({ length: 600 }, (_, i) => action(i, 4000));
    await pair({ listActions: () => fitFrames(items, (chunk) => ({ actionList: { actions: chunk } })) });
    const reply = await clientChannel.request({ listActions: {} }, { expect: 'actionList', what: 'list_actions' });
    assert.equal(reply.more, false);
    assert.deepEqual(reply.actionList?.actions?.map((a) => a.action?.id), items.map((a) => a.action!.id));
  });

  it('marks every part but the last with more, all with the request id', async () => {
    const items = Array.from({ length: 600 }, (_, i) => action(i, 4000));
    await pair({ listActions: () => fitFrames(items, (chunk) => ({ actionList: { actions: chunk } })) });
    const frames: { replyTo: number; more: boolean; n: number }[] = [];
    clientSocket.on('message', (data) => {
      const r = decodeEnvelope(data as Buffer);
      if (r.ok) frames.push({ replyTo: r.envelope.replyTo, more: r.envelope.more, n: r.envelope.actionList?.actions?.length ?? 0 });
    });
    clientSocket.send(encodeEnvelope({ id: 42, listActions: {} }));
    while (frames.length === 0 || frames.at(-1)!.more) await nextFrame(clientSocket);
    assert.ok(frames.length >= 3);
    assert.ok(frames.every((f) => f.replyTo === 42));
    assert.deepEqual(frames.map((f) => f.more), [...frames.slice(1).map(() => true), false]);
    assert.equal(frames.reduce((n, f) => n + f.n, 0), 600);
  });

  it('answers with RESOURCE_EXHAUSTED, naming the size, a single reply over the limit', async () => {
    await pair({ listActions: () => ({ actionList: { actions: [action(1, MAX_FRAME_BYTES)] } }) });
    await assert.rejects(clientChannel.request({ listActions: {} }), (e: unknown) => e instanceof Error && /the reply to listActions is \d+ bytes, over the 1048576-byte frame limit; ask for less/.test(e.message));
    assert.equal(serverChannel.isOpen, true);
  });
});
