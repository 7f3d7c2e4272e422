// One connection to the gateway: the envelope channel (frame checks, request
// ids, replies, handler dispatch in order, Error replies, all from @sonde/rpc)
// plus what is the gateway's own: where it comes from, which endpoint it
// reached, the principal it authenticated as, and how much of its work may
// wait at once (past that the gateway stops reading it until some is done,
// so one connection cannot queue unbounded work).
import type { WebSocket } from 'ws';
import type { EndpointPath, Handler, Handlers, RequestOptions } from '@sonde/rpc';
import { EnvelopeChannel, RequestError } from '@sonde/rpc';
import { MAX_FRAME_BYTES, sonde, type Body, type Envelope, type EnvelopeInit } from '@sonde/protocol';
import type { Principal } from '../auth/principal.js';
import type { RateLimitedLog } from '../logging/rate-limited-log.js';

/** What an endpoint gives the upgrade: its handlers, and what to do when a connection starts and ends. */
export interface Endpoint {
  handlers: Handlers<Peer>;
  /** Salvages part of a frame that does not decode. */
  recover?: (frame: Buffer) => Envelope | undefined;
  onOpen?(peer: Peer): void;
  onClose(peer: Peer): void;
}

export interface PeerOptions {
  /** Messages that may wait for their handler at once; past it reading pauses. Default 64. */
  maxMessagesInFlight?: number;
  /** Salvages part of a frame that does not decode (an agent's event batch). */
  recover?: (frame: Buffer) => Envelope | undefined;
  /** For lines about bad input; default: every line to `log`. */
  badInput?: RateLimitedLog;
}

const SIDE: Record<EndpointPath, string> = { '/v1/agent': 'agent', '/v1/client': 'client' };

export class Peer {
  private readonly channel: EnvelopeChannel<Peer>;
  private inFlight = 0;
  private paused = false;
  private current: Principal;
  private readonly maxInFlight: number;
  private readonly badInput: (kind: string, msg: string) => void;

  constructor(
    private readonly socket: WebSocket,
    readonly remote: string,
    readonly endpoint: EndpointPath,
    principal: Principal,
    handlers: Handlers<Peer>,
    private readonly log: (msg: string) => void,
    options: PeerOptions = {},
  ) {
    this.current = principal;
    this.maxInFlight = options.maxMessagesInFlight ?? 64;
    this.badInput = options.badInput ? (kind, msg) => options.badInput!.write(kind, msg) : (_kind, msg) => log(msg);
    this.channel = new EnvelopeChannel<Peer>(socket, {
      endpoint,
      self: 'the gateway',
      peer: `${SIDE[endpoint]} ${remote}`,
      handlers: this.counted(handlers),
      context: this,
      observe: (e) => this.arrived(e),
      recover: options.recover,
      // As before the channel: bad frames are logged, the rest is the peer's to read in its Error reply.
      onProblem: (p) => {
        if (p.kind === 'undecodable') this.badInput('frames that do not decode', `${endpoint} ${remote}: ${p.message}`);
      },
      onHandlerFailure: (body, err) => log(`${endpoint} ${remote}: ${body} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    });
  }

  /** Whom this connection acts as: who authenticated it, or the same person renewed by a fresh token. */
  get principal(): Principal {
    return this.current;
  }

  /** The same person's fresh token was verified: roles, tag scope and expiry are now its. */
  renew(principal: Principal): void {
    this.current = principal;
  }

  get open(): boolean {
    return this.channel.isOpen;
  }

  /** True while the gateway is not reading this connection (too much of its work waits); it is alive meanwhile. */
  get readPaused(): boolean {
    return this.paused;
  }

  /** Sends unless the connection is gone; a frame over the limit is dropped and logged. */
  send(init: EnvelopeInit): void {
    if (this.channel.send(init) || !this.open) return;
    this.log(`${this.endpoint} ${this.remote}: dropped a ${EnvelopeChannel.sizeOf(init)}-byte frame, over the ${MAX_FRAME_BYTES}-byte limit`);
  }

  /** Sends an envelope encoded once for many peers; false when the connection is gone or the frame is over the limit. */
  sendFrame(frame: Uint8Array): boolean {
    return this.channel.sendFrame(frame);
  }

  /** Resolves with the reply; rejects with RequestError (an Error reply) or UnavailableError (gone, or no reply in time). */
  request(init: EnvelopeInit, options: RequestOptions): Promise<Envelope> {
    return this.channel.request(init, options);
  }

  close(code: number, reason: string): void {
    this.channel.close(code, reason);
  }

  private arrived(e: Envelope): void {
    if (e.replyTo !== 0) return;
    this.inFlight++;
    if (this.inFlight < this.maxInFlight || this.paused) return;
    this.paused = true;
    this.socket.pause();
    this.badInput('connections paused', `${this.endpoint} ${this.remote}: ${this.inFlight} messages wait for the gateway, the limit per connection; reading it paused until some are done`);
  }

  private done(): void {
    this.inFlight--;
    // Resume at half, so that a connection at the limit is not paused and resumed at every message.
    if (this.paused && this.inFlight <= this.maxInFlight / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /**
   * Every body goes through a handler, so that each message is counted out
   * when its turn is over; bodies the endpoint does not take are refused as
   * the channel would (an Error or an Ack is never answered).
   */
  private counted(handlers: Handlers<Peer>): Handlers<Peer> {
    const wrap = (handler: Handler<Peer>): Handler<Peer> => async (envelope, peer) => {
      try {
        return await handler(envelope, peer);
      } finally {
        this.done();
      }
    };
    const refuse = (body: Body): Handler<Peer> => () => {
      if (body === 'error' || body === 'ack') return;
      throw new RequestError(sonde.v1.ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE, `${body} is not accepted on ${this.endpoint}`);
    };
    const wrapped = new Map<string, Handler<Peer>>();
    return new Proxy(handlers, {
      get: (target, key) => {
        if (typeof key !== 'string') return undefined;
        let h = wrapped.get(key);
        if (!h) wrapped.set(key, (h = wrap(target[key as Body] ?? refuse(key as Body))));
        return h;
      },
    });
  }
}
