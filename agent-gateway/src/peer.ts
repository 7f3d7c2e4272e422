// One WebSocket connection speaking Envelopes: decodes every frame at the
// edge, answers bad frames with an Error and keeps the connection, and hands
// each accepted body to the endpoint's handler for it.
import type { WebSocket, RawData } from 'ws';
import { decodeEnvelope, encodeEnvelope, sonde, type Body, type Envelope, type EnvelopeInit } from '@sonde/protocol';

const { ErrorCode } = sonde.v1;

/** Thrown by a handler to reply with an Error of this code; the connection stays open. */
export class RequestError extends Error {
  constructor(readonly code: sonde.v1.ErrorCode, message: string) {
    super(message);
  }
}

export type Handler = (envelope: Envelope, peer: Peer) => Promise<EnvelopeInit | void> | EnvelopeInit | void;
export type Handlers = Partial<Record<Body, Handler>>;

export class Peer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (e: Envelope) => void; timer: NodeJS.Timeout }>();
  /** Serialises handlers so that a peer's messages take effect in the order sent. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    readonly remote: string,
    private readonly endpoint: string,
    private readonly handlers: Handlers,
    private readonly log: (msg: string) => void,
  ) {
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('close', () => {
      for (const [, p] of this.pending) clearTimeout(p.timer);
      this.pending.clear();
    });
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(init: EnvelopeInit): void {
    if (!this.open) return;
    this.socket.send(encodeEnvelope(init), { binary: true });
  }

  sendError(replyTo: number, code: sonde.v1.ErrorCode, message: string): void {
    this.send({ replyTo, error: { code, message } });
  }

  /** Sends a request and resolves with the reply, or undefined after `timeoutMs`. */
  request(init: EnvelopeInit, timeoutMs: number): Promise<Envelope | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      if (!this.open) return resolve(undefined);
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.send({ ...init, id });
    });
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (!isBinary) {
      this.sendError(0, ErrorCode.ERROR_CODE_INVALID_FRAME, `text frames are not accepted on ${this.endpoint}; send one protobuf-encoded sonde.v1.Envelope per binary frame`);
      return;
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const decoded = decodeEnvelope(bytes);
    if (!decoded.ok) {
      this.log(`${this.endpoint} ${this.remote}: ${decoded.message}`);
      this.sendError(decoded.id, decoded.code, decoded.message);
      return;
    }
    const { envelope, body } = decoded;
    if (envelope.replyTo) {
      const waiting = this.pending.get(envelope.replyTo);
      if (waiting) {
        clearTimeout(waiting.timer);
        this.pending.delete(envelope.replyTo);
        waiting.resolve(envelope);
      }
      return;
    }
    const handler = this.handlers[body];
    if (!handler) {
      this.sendError(envelope.id, ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE, `${body} is not accepted on ${this.endpoint}`);
      return;
    }
    this.queue = this.queue.then(() => this.run(handler, envelope, body));
  }

  private async run(handler: Handler, envelope: Envelope, body: Body): Promise<void> {
    try {
      const reply = await handler(envelope, this);
      if (reply && envelope.id) this.send({ ...reply, replyTo: envelope.id });
    } catch (err) {
      if (err instanceof RequestError) {
        this.sendError(envelope.id, err.code, err.message);
      } else {
        this.log(`${this.endpoint} ${this.remote}: ${body} failed: ${(err as Error).stack ?? err}`);
        this.sendError(envelope.id, ErrorCode.ERROR_CODE_INTERNAL, `${body} failed inside the gateway: ${(err as Error).message}`);
      }
    }
  }
}
