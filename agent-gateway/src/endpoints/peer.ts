// One connection to the gateway: the envelope channel (frame checks, request
// ids, replies, handler dispatch in order, Error replies, all from @sonde/rpc)
// plus what is the gateway's own: where it comes from, which endpoint it
// reached, and the principal it authenticated as.
import type { WebSocket } from 'ws';
import type { EndpointPath, Handlers, RequestOptions } from '@sonde/rpc';
import { EnvelopeChannel } from '@sonde/rpc';
import { MAX_FRAME_BYTES, type Envelope, type EnvelopeInit } from '@sonde/protocol';
import type { Principal } from '../auth/principal.js';

/** What an endpoint gives the upgrade: its handlers, and what to do when a connection ends. */
export interface Endpoint {
  handlers: Handlers<Peer>;
  onClose(peer: Peer): void;
}

const SIDE: Record<EndpointPath, string> = { '/v1/agent': 'agent', '/v1/client': 'client' };

export class Peer {
  private readonly channel: EnvelopeChannel<Peer>;

  constructor(
    socket: WebSocket,
    readonly remote: string,
    readonly endpoint: EndpointPath,
    readonly principal: Principal,
    handlers: Handlers<Peer>,
    private readonly log: (msg: string) => void,
  ) {
    this.channel = new EnvelopeChannel<Peer>(socket, {
      endpoint,
      self: 'the gateway',
      peer: `${SIDE[endpoint]} ${remote}`,
      handlers,
      context: this,
      // As before the channel: bad frames are logged, the rest is the peer's to read in its Error reply.
      onProblem: (p) => {
        if (p.kind === 'undecodable') log(`${endpoint} ${remote}: ${p.message}`);
      },
      onHandlerFailure: (body, err) => log(`${endpoint} ${remote}: ${body} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    });
  }

  get open(): boolean {
    return this.channel.isOpen;
  }

  /** Sends unless the connection is gone; a frame over the limit is dropped and logged. */
  send(init: EnvelopeInit): void {
    if (this.channel.send(init) || !this.open) return;
    this.log(`${this.endpoint} ${this.remote}: dropped a ${EnvelopeChannel.sizeOf(init)}-byte frame, over the ${MAX_FRAME_BYTES}-byte limit`);
  }

  /** Resolves with the reply; rejects with RequestError (an Error reply) or UnavailableError (gone, or no reply in time). */
  request(init: EnvelopeInit, options: RequestOptions): Promise<Envelope> {
    return this.channel.request(init, options);
  }

  close(code: number, reason: string): void {
    this.channel.close(code, reason);
  }
}
