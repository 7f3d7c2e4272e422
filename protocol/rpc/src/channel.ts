// One WebSocket speaking Envelopes, for either end of any Sonde connection.
// It checks every frame at the edge (binary only, decodes, never throws),
// numbers requests and matches replies to them with a timeout, hands every
// other body to the handler registered for it (one at a time, in the order
// the peer sent them, so a peer's messages take effect in order) and answers
// what it cannot use with an Error. Frames over the limit are never sent.
import WebSocket, { type RawData } from 'ws';
import { decodeEnvelope, encodeEnvelope, errorEnvelope, MAX_FRAME_BYTES, sonde, type Body, type Envelope, type EnvelopeInit } from '@sonde/protocol';
import type { ChannelOptions, Handler, ProtocolProblem, Reply, RequestOptions } from './channel-options.js';
import { RequestError, UnavailableError } from './errors.js';
import { mergeParts } from './frames.js';

export type { ChannelOptions, Handler, Handlers, ProtocolProblem, Reply, RequestOptions } from './channel-options.js';

const { ErrorCode } = sonde.v1;

interface Pending {
  what: string;
  expect: Body | undefined;
  resolve: (envelope: Envelope) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  timeoutMs: number;
  /** The frames of a reply in parts, until its last part. */
  parts: Buffer[];
  partBytes: number;
}

/** A reply in parts larger than this in all is refused: a peer must not grow this process without bound. */
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;

export class EnvelopeChannel<C = void> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private queue: Promise<void> = Promise.resolve();
  private closeReason: string | undefined;

  constructor(
    readonly socket: WebSocket,
    private readonly options: ChannelOptions<C>,
  ) {
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('close', (code, reason) => {
      this.closeReason = reason.length > 0 ? `closed with ${code}: ${reason.toString()}` : `closed with ${code}`;
      this.failPending(`the connection closed before it answered (${this.closeReason}); try again`, 'closed');
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends one envelope; false when the socket is not open or the frame is over the limit (then onProblem is not called: the caller decides). */
  send(init: EnvelopeInit): boolean {
    return this.isOpen && this.sendFrame(encodeEnvelope(init));
  }

  /** Sends an envelope already encoded (one encoding for many peers: a fan-out); the same rules as send(). */
  sendFrame(frame: Uint8Array): boolean {
    if (!this.isOpen || frame.length > MAX_FRAME_BYTES) return false;
    this.socket.send(frame, { binary: true });
    return true;
  }

  /** Encoded size of an envelope, to check it against MAX_FRAME_BYTES before sending. */
  static sizeOf(init: EnvelopeInit): number {
    return encodeEnvelope(init).length;
  }

  sendError(replyTo: number, code: sonde.v1.ErrorCode, message: string): void {
    this.send(errorEnvelope(replyTo, code, message));
  }

  /**
   * Sends a request and resolves with its reply. Rejects with RequestError
   * when the peer answers with an Error, with UnavailableError when there is
   * no answer to be had (not open, closed meanwhile, no reply in time), and
   * with a plain Error for a frame over the limit or a reply of the wrong kind.
   */
  request(init: EnvelopeInit, options: RequestOptions = {}): Promise<Envelope> {
    const what = options.what ?? 'the request';
    if (!this.isOpen) {
      return Promise.reject(new UnavailableError(`${what}: not connected (${this.closeReason ?? 'the connection is not open'})`, 'not-open'));
    }
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const frame = encodeEnvelope({ ...init, id });
    if (frame.length > MAX_FRAME_BYTES) {
      return Promise.reject(new Error(`${what} request is ${frame.length} bytes, over the ${MAX_FRAME_BYTES}-byte frame limit; shorten it`));
    }
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? 10_000;
    return new Promise<Envelope>((resolve, reject) => {
      const timer = this.timeout(id, what, timeoutMs, reject);
      this.pending.set(id, { what, expect: options.expect, resolve, reject, timer, timeoutMs, parts: [], partBytes: 0 });
      this.socket.send(frame, { binary: true }, (err) => {
        if (!err) return;
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        clearTimeout(p.timer);
        reject(new UnavailableError(`could not send ${what} (${err.message}); try again once the peer is reachable`, 'send-failed'));
      });
    });
  }

  private timeout(id: number, what: string, timeoutMs: number, reject: (err: Error) => void): NodeJS.Timeout {
    return setTimeout(() => {
      this.pending.delete(id);
      reject(new UnavailableError(`${this.options.peer} did not answer ${what} within ${timeoutMs} ms; try again`, 'timeout'));
    }, timeoutMs);
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (!isBinary) {
      const message = `text frames are not accepted on ${this.options.endpoint}; send one protobuf-encoded sonde.v1.Envelope per binary frame`;
      this.problem({ kind: 'text-frame', message });
      this.sendError(0, ErrorCode.ERROR_CODE_INVALID_FRAME, message);
      return;
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    let decoded = decodeEnvelope(bytes);
    if (!decoded.ok) {
      const recovered = this.tryRecover(bytes);
      if (recovered?.body) decoded = { ok: true, envelope: recovered, body: recovered.body };
    }
    if (!decoded.ok) {
      this.problem({ kind: 'undecodable', message: decoded.message });
      this.sendError(decoded.id, decoded.code, decoded.message);
      return;
    }
    const { envelope, body } = decoded;
    this.options.observe?.(envelope);
    if (envelope.replyTo !== 0) {
      this.settle(envelope, body, bytes);
      return;
    }
    const handler = this.options.handlers?.[body];
    if (handler) {
      this.queue = this.queue.then(() => this.run(handler, envelope, body));
      return;
    }
    if (this.options.fallback) {
      this.options.fallback(envelope, body);
      return;
    }
    const message = `${body} is not accepted on ${this.options.endpoint}`;
    this.problem({ kind: 'not-accepted', message });
    // An Error or an Ack is never answered: two peers must not bounce errors forever.
    if (body === 'error' || body === 'ack') return;
    // Queued, so that replies leave in the order the requests came.
    this.queue = this.queue.then(() => this.sendError(envelope.id, ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE, message));
  }

  private tryRecover(bytes: Buffer): Envelope | undefined {
    try {
      return this.options.recover?.(bytes);
    } catch (err) {
      // The frame is then refused as undecodable, as without recover; the failure is the caller's bug to see.
      this.problem({ kind: 'undecodable', message: `recovering an undecodable frame failed: ${err instanceof Error ? err.message : String(err)}` });
      return undefined;
    }
  }

  private settle(received: Envelope, body: Body, bytes: Buffer): void {
    const p = this.pending.get(received.replyTo);
    if (!p) {
      if (this.options.fallback) this.options.fallback(received, body);
      else this.problem({ kind: 'late-reply', message: `${this.options.peer} replied to request ${received.replyTo}, which is not pending (it may have timed out)` });
      return;
    }
    const id = received.replyTo;
    clearTimeout(p.timer);
    let envelope = received;
    if (body !== 'error' && (received.more || p.parts.length > 0)) {
      p.parts.push(bytes);
      p.partBytes += bytes.length;
      if (p.partBytes > MAX_REPLY_BYTES) {
        this.pending.delete(id);
        p.reject(new Error(`${this.options.peer} answered ${p.what} with more than ${MAX_REPLY_BYTES} bytes in parts; ask for less`));
        return;
      }
      if (received.more) {
        // Each part restarts the clock: a long list arrives as long as it keeps arriving.
        p.timer = this.timeout(id, p.what, p.timeoutMs, p.reject);
        return;
      }
      const merged = mergeParts(p.parts);
      if (!merged.ok) {
        this.pending.delete(id);
        p.reject(new Error(`${this.options.peer} answered ${p.what} in parts that do not merge: ${merged.message}`));
        return;
      }
      envelope = merged.envelope;
    }
    this.pending.delete(id);
    if (body === 'error') {
      const error = envelope.error ?? {};
      p.reject(new RequestError(error.code ?? ErrorCode.ERROR_CODE_UNSPECIFIED, error.message ?? ''));
    } else if (p.expect !== undefined && body !== p.expect) {
      p.reject(new Error(`${this.options.peer} answered ${p.what} with ${body} instead of ${p.expect}; it may speak another protocol version`));
    } else {
      p.resolve(envelope);
    }
  }

  private async run(handler: Handler<C>, envelope: Envelope, body: Body): Promise<void> {
    try {
      const reply = await handler(envelope, this.options.context as C);
      if (reply && envelope.id) this.reply(envelope.id, body, reply);
    } catch (err) {
      if (err instanceof RequestError) {
        this.sendError(envelope.id, err.code, err.message);
      } else {
        this.options.onHandlerFailure?.(body, err);
        this.sendError(envelope.id, ErrorCode.ERROR_CODE_INTERNAL, `${body} failed inside ${this.options.self ?? this.options.endpoint}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private reply(replyTo: number, body: Body, reply: Reply): void {
    const parts: readonly EnvelopeInit[] = Array.isArray(reply) ? reply : [reply as EnvelopeInit];
    for (const [i, part] of parts.entries()) {
      const init = { ...part, replyTo, more: i < parts.length - 1 };
      if (this.send(init) || !this.isOpen) continue;
      // Over the frame limit: the requester must hear why rather than wait for its timeout.
      const size = EnvelopeChannel.sizeOf(init);
      this.sendError(replyTo, ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED, `the reply to ${body} is ${size} bytes, over the ${MAX_FRAME_BYTES}-byte frame limit; ask for less`);
      return;
    }
  }

  private problem(problem: ProtocolProblem): void {
    try {
      this.options.onProblem?.(problem);
    } catch {
      // a reporting callback must not break the connection
    }
  }

  private failPending(message: string, cause: 'closed'): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new UnavailableError(`${p.what}: ${message}`, cause));
    }
  }
}
