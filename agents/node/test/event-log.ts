// What a test client subscribed to a gateway receives: every event in order,
// and waits on it (bounded, never on time alone).
import { sonde, type Envelope } from '@sonde/protocol';
import type { ProtocolPeer } from '@sonde/rpc/testing';

/** Every event the client receives, in order, whatever batch it came in. */
export class EventLog {
  readonly events: sonde.v1.IEvent[] = [];
  private wake = new Set<() => void>();

  constructor(client: ProtocolPeer) {
    client.onFrame((e: Envelope) => {
      this.events.push(...(e.events?.events ?? []));
      for (const w of this.wake) w();
    });
  }

  waitFor(match: (e: sonde.v1.IEvent) => boolean, what: string): Promise<sonde.v1.IEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(this.events)}`)), 10_000);
      const check = () => {
        const found = this.events.find(match);
        if (!found) return;
        this.wake.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      this.wake.add(check);
      check();
    });
  }
}

export const logOf = (needle: string) => (e: sonde.v1.IEvent) => !!e.log?.text?.includes(needle);
export const hitsOf = (id: string, n: number) => (e: sonde.v1.IEvent) => e.hits?.actionId === id && Number(e.hits.hits) === n;

