// Clients (editors, the command line) that asked for events: the fan-out set.
import type { EnvelopeInit } from '@sonde/protocol';
import type { Peer } from '../endpoints/peer.js';

export class Subscribers {
  private readonly peers = new Set<Peer>();

  add(peer: Peer): void {
    this.peers.add(peer);
  }

  remove(peer: Peer): void {
    this.peers.delete(peer);
  }

  get size(): number {
    return this.peers.size;
  }

  broadcast(init: EnvelopeInit): void {
    for (const p of this.peers) p.send(init);
  }
}
