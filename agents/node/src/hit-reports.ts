// The agent's counts for the gateway: per action, hits, events lost before
// they left the agent (the buffer overflowed while the gateway was away, or a
// batch could not be sent) and hits whose line the quota held back, all
// cumulative; a HitCount goes out whenever one of the three changed. The
// totals go in AgentStats.

import type { sonde } from '@sonde/protocol';
import type { HitCounter } from './probes/index.js';

interface Sent {
  hits: number;
  dropped: number;
  suppressed: number;
}

/** Each action's counter, as the engine hands them out (its own objects: read them, do not keep them). */
export type Counters = Iterable<readonly [string, Readonly<HitCounter>]>;

const NOTHING_SENT: Readonly<Sent> = { hits: 0, dropped: 0, suppressed: 0 };

export class HitReports {
  private readonly dropped = new Map<string, number>();
  private readonly sent = new Map<string, Sent>();
  /** Events lost since start, whatever their action (AgentStats.dropped_events). */
  totalDropped = 0;

  constructor(private readonly agentId: string) {}

  /** An event of this action was lost (this runs for every event while the buffer is full: one look-up, no allocation). */
  drop(actionId: string | null | undefined): void {
    this.totalDropped++;
    if (!actionId) return;
    this.dropped.set(actionId, (this.dropped.get(actionId) ?? 0) + 1);
  }

  /** The action is gone: its counts are not reported any more. */
  forget(actionId: string): void {
    this.dropped.delete(actionId);
    this.sent.delete(actionId);
  }

  /** A new connection knows nothing: everything is reported again. */
  resend(): void {
    this.sent.clear();
  }

  /** A HitCount for each action among `current` whose counts changed since the last one sent. */
  changed(counters: Counters, current: (actionId: string) => boolean): sonde.v1.IEvent[] {
    const out: sonde.v1.IEvent[] = [];
    for (const [actionId, c] of counters) {
      if (!current(actionId)) continue;
      const dropped = this.dropped.get(actionId) ?? 0;
      const last = this.sent.get(actionId);
      const was = last ?? NOTHING_SENT;
      if (was.hits === c.hits && was.dropped === dropped && was.suppressed === c.suppressed) continue;
      if (last) {
        last.hits = c.hits;
        last.dropped = dropped;
        last.suppressed = c.suppressed;
      } else this.sent.set(actionId, { hits: c.hits, dropped, suppressed: c.suppressed });
      const costNsPerHit = c.costSamples > 0 ? c.costNs / c.costSamples : 0;
      out.push({ hits: { actionId, agentId: this.agentId, hits: c.hits, dropped, suppressed: c.suppressed, costNsPerHit } });
    }
    return out;
  }

  /** The agent's totals over the actions it holds. */
  stats(counters: Counters, activeProbes: number): sonde.v1.IEvent {
    let hits = 0;
    let suppressed = 0;
    for (const [, c] of counters) {
      hits += c.hits;
      suppressed += c.suppressed;
    }
    return { stats: { agentId: this.agentId, hits, droppedEvents: this.totalDropped, suppressed, activeProbes } };
  }
}
