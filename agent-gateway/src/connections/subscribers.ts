// Clients (editors, the command line) that asked for events: the fan-out set.
import { encodeEnvelope, MAX_FRAME_BYTES, type EnvelopeInit } from '@sonde/protocol';
import { mayView, type Audience } from '../auth/permissions.js';
import type { Peer } from '../endpoints/peer.js';

export class Subscribers {
  private readonly peers = new Set<Peer>();

  constructor(private readonly log: (message: string) => void = () => undefined) {}

  add(peer: Peer): void {
    this.peers.add(peer);
  }

  remove(peer: Peer): void {
    this.peers.delete(peer);
  }

  get size(): number {
    return this.peers.size;
  }

  /**
   * Encodes once, whatever the number of subscribers; a frame over the limit reaches nobody and is said through `log`.
   * With an audience, only subscribers who may view it get it (an agent's events: its tags, snapshots need sonde-capture).
   */
  broadcast(init: EnvelopeInit, audience?: Audience): void {
    if (this.peers.size === 0) return;
    const frame = encodeEnvelope(init);
    if (frame.length > MAX_FRAME_BYTES) {
      this.log(`dropped a ${frame.length}-byte push to ${this.peers.size} client(s), over the ${MAX_FRAME_BYTES}-byte limit`);
      return;
    }
    for (const p of this.peers) if (audience === undefined || mayView(p.principal, audience)) p.sendFrame(frame);
  }
}
