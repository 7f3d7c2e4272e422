import assert from 'node:assert/strict';
import type WebSocket from 'ws';
import { decodeEnvelope, encodeEnvelope, MAX_FRAME_BYTES, sonde, type Envelope } from '@sonde/protocol';
import { EnvelopeChannel, RequestError, UnavailableError, type ChannelOptions, type ProtocolProblem } from '../src/index.js';
import { nextFrame, openClient, startServer, type TestServer } from './support.js';

const { ErrorCode } = sonde.v1;

function decoded(frame: Buffer): Envelope {
  const r = decodeEnvelope(frame);
  assert.ok(r.ok, 'the channel sent a frame that does not decode');
  return r.envelope;
}

describe('EnvelopeChannel (real WebSockets on loopback)', () => {
  let server: TestServer;
  let raw: WebSocket; // the client end, raw
  let problems: ProtocolProblem[];

  async function channel(options: Partial<ChannelOptions<string>> = {}): Promise<EnvelopeChannel<string>> {
    const accepted = server.nextSocket();
    raw = await openClient(`${server.url.replace('http', 'ws')}/v1/test`);
    const { socket } = await accepted;
    return new EnvelopeChannel<string>(socket, { endpoint: '/v1/test', peer: 'the test client', onProblem: (p) => problems.push(p), ...options });
  }

  beforeEach(async () => {
    problems = [];
    server = await startServer();
  });
  afterEach(async () => {
    raw?.terminate();
    await server.close();
  });

  it('numbers requests and resolves each with the reply that names it', async () => {
    const ch = await channel();
    raw.on('message', (data) => {
      const e = decoded(data as Buffer);
      raw.send(encodeEnvelope({ replyTo: e.id, actionList: { actions: [{ action: { id: e.listActions ? 'list' : '?' } }] } }));
    });
    const [a, b] = await Promise.all([ch.request({ listActions: {} }, { expect: 'actionList' }), ch.request({ listActions: {} })]);
    assert.notEqual(a.replyTo, b.replyTo);
    assert.equal(a.actionList?.actions?.[0]?.action?.id, 'list');
  });

  it('rejects with RequestError on an Error reply, with a plain Error on the wrong reply body', async () => {
    const ch = await channel();
    raw.once('message', (data) => raw.send(encodeEnvelope({ replyTo: decoded(data as Buffer).id, error: { code: ErrorCode.ERROR_CODE_NOT_FOUND, message: 'no such action' } })));
    await assert.rejects(ch.request({ removeAction: { actionId: 'x' } }), (e: unknown) => e instanceof RequestError && e.code === ErrorCode.ERROR_CODE_NOT_FOUND && e.message === 'no such action' && e.codeLabel === 'not_found');
    raw.once('message', (data) => raw.send(encodeEnvelope({ replyTo: decoded(data as Buffer).id, ack: {} })));
    await assert.rejects(ch.request({ listActions: {} }, { expect: 'actionList', what: 'list_actions' }), /answered list_actions with ack instead of actionList/);
  });

  it('gives up after the timeout, and on a reply that comes later reports a late reply', async () => {
    const ch = await channel();
    const asked = nextFrame(raw);
    await assert.rejects(ch.request({ listAgents: {} }, { what: 'list_agents', timeoutMs: 50 }), (e: unknown) => e instanceof UnavailableError && e.reason === 'timeout' && /the test client did not answer list_agents within 50 ms/.test(e.message));
    raw.send(encodeEnvelope({ replyTo: decoded(await asked).id, agentList: {} }));
    await until(() => problems.length > 0);
    assert.equal(problems[0]!.kind, 'late-reply');
  });

  it('fails what is pending when the connection closes, and refuses requests once closed', async () => {
    const ch = await channel();
    const pending = ch.request({ listActions: {} }, { what: 'list_actions' });
    await nextFrame(raw);
    raw.close(1000, 'bye');
    await assert.rejects(pending, (e: unknown) => e instanceof UnavailableError && e.reason === 'closed' && /closed with 1000: bye/.test(e.message));
    await assert.rejects(ch.request({ listActions: {} }), (e: unknown) => e instanceof UnavailableError && e.reason === 'not-open');
    assert.equal(ch.send({ ack: {} }), false);
  });

  it('never sends a frame over the limit', async () => {
    const ch = await channel();
    const huge = { addAction: { action: { format: 'x'.repeat(MAX_FRAME_BYTES) } } };
    await assert.rejects(ch.request(huge, { what: 'add_action' }), /add_action request is \d+ bytes, over the 1048576-byte frame limit/);
    assert.equal(ch.send(huge), false);
    assert.equal(ch.isOpen, true);
  });

  it('answers a text frame and an undecodable frame with an Error, and stays open', async () => {
    await channel();
    raw.send('{"listActions":{}}');
    const text = decoded(await nextFrame(raw));
    assert.equal(text.error?.code, ErrorCode.ERROR_CODE_INVALID_FRAME);
    assert.match(text.error?.message ?? '', /text frames are not accepted on \/v1\/test/);
    raw.send(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    assert.equal(decoded(await nextFrame(raw)).error?.code, ErrorCode.ERROR_CODE_INVALID_FRAME);
    raw.send(Buffer.from([0x08, 0x07, 0x98, 0x06, 0x01])); // id 7, an unknown field
    const unknown = decoded(await nextFrame(raw));
    assert.equal(unknown.replyTo, 7);
    assert.equal(unknown.error?.code, ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE);
    assert.deepEqual(problems.map((p) => p.kind), ['text-frame', 'undecodable', 'undecodable']);
  });

  it('runs handlers one at a time in the order sent, replies with what they return, and passes the context', async () => {
    const order: string[] = [];
    await channel({
      context: 'ctx',
      handlers: {
        async listActions(_e, context) {
          order.push(`slow start ${context}`);
          await new Promise((r) => setTimeout(r, 30));
          order.push('slow end');
          return { actionList: {} };
        },
        listAgents() {
          order.push('fast');
          return { agentList: { agents: [{ agentId: 'a' }] } };
        },
      },
    });
    const replies: Envelope[] = [];
    raw.on('message', (data) => replies.push(decoded(data as Buffer)));
    raw.send(encodeEnvelope({ id: 1, listActions: {} }));
    raw.send(encodeEnvelope({ id: 2, listAgents: {} }));
    await until(() => replies.length === 2);
    assert.deepEqual(order, ['slow start ctx', 'slow end', 'fast']);
    assert.deepEqual(replies.map((r) => r.replyTo), [1, 2]);
    assert.equal(replies[1]!.agentList?.agents?.[0]?.agentId, 'a');
  });

  it('turns a thrown RequestError into that Error, anything else into INTERNAL, and answers no Error with an Error', async () => {
    const failures: string[] = [];
    await channel({
      self: 'the test server',
      handlers: {
        removeAction() {
          throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no action x');
        },
        listActions() {
          throw new Error('disk on fire');
        },
      },
      onHandlerFailure: (body, err) => failures.push(`${body}: ${(err as Error).message}`),
    });
    const replies: Envelope[] = [];
    raw.on('message', (data) => replies.push(decoded(data as Buffer)));
    raw.send(encodeEnvelope({ id: 1, removeAction: { actionId: 'x' } }));
    raw.send(encodeEnvelope({ id: 2, listActions: {} }));
    raw.send(encodeEnvelope({ id: 3, hello: {} }));
    raw.send(encodeEnvelope({ error: { code: ErrorCode.ERROR_CODE_INTERNAL, message: 'an error to nobody' } }));
    raw.send(encodeEnvelope({ id: 4, subscribe: {} }));
    await until(() => replies.length === 4);
    assert.deepEqual(
      replies.map((r) => [r.replyTo, r.error?.code, r.error?.message]),
      [
        [1, ErrorCode.ERROR_CODE_NOT_FOUND, 'no action x'],
        [2, ErrorCode.ERROR_CODE_INTERNAL, 'listActions failed inside the test server: disk on fire'],
        [3, ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE, 'hello is not accepted on /v1/test'],
        // The Error (id 0) got no answer: the next reply is to id 4.
        [4, ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE, 'subscribe is not accepted on /v1/test'],
      ],
    );
    assert.deepEqual(failures, ['listActions: disk on fire']);
  });

  it('hands what nobody took to the fallback, after the observer saw it', async () => {
    const seen: string[] = [];
    await channel({ observe: (e) => seen.push(`observe ${e.id}/${e.replyTo}`), fallback: (e, body) => seen.push(`fallback ${body}`) });
    raw.send(encodeEnvelope({ id: 5, hello: {} }));
    raw.send(encodeEnvelope({ replyTo: 9, ack: {} }));
    await until(() => seen.length === 4);
    assert.deepEqual(seen, ['observe 5/0', 'fallback hello', 'observe 0/9', 'fallback ack']);
    assert.deepEqual(problems, []);
  });
});


describe('EnvelopeChannel recover', () => {
  let server: TestServer;
  let raw: WebSocket;
  afterEach(async () => {
    raw?.terminate();
    await server.close();
  });

  it('handles what recover makes of a frame that does not decode, and refuses the frame as before when it makes nothing or throws', async () => {
    server = await startServer();
    const accepted = server.nextSocket();
    raw = await openClient(`${server.url.replace('http', 'ws')}/v1/test`);
    const seen: string[] = [];
    const problems: string[] = [];
    let mode: 'recover' | 'nothing' | 'throw' = 'recover';
    new EnvelopeChannel((await accepted).socket, {
      endpoint: '/v1/test',
      peer: 'the test client',
      handlers: { events: (e) => void seen.push(e.events?.events?.map((x) => x.log?.text).join(',') ?? '') },
      recover: () => {
        if (mode === 'throw') throw new Error('recover broke');
        return mode === 'recover' ? sonde.v1.Envelope.create({ events: { events: [{ log: { text: 'kept' } }] } }) : undefined;
      },
      onProblem: (p) => problems.push(p.message),
    });
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    raw.send(garbage);
    await until(() => seen.length === 1);
    assert.deepEqual(seen, ['kept']);
    mode = 'nothing';
    raw.send(garbage);
    assert.equal(decoded(await nextFrame(raw)).error?.code, ErrorCode.ERROR_CODE_INVALID_FRAME);
    mode = 'throw';
    raw.send(garbage);
    assert.equal(decoded(await nextFrame(raw)).error?.code, ErrorCode.ERROR_CODE_INVALID_FRAME);
    assert.ok(problems.some((m) => /recovering an undecodable frame failed: recover broke/.test(m)), problems.join('; '));
  });
});

async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((r) => setTimeout(r, 5));
}
