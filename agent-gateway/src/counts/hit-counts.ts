// Hit reports of one batch → stored per agent process → the summed counts
// clients are told about (only when one of them changed). Each report is
// checked first (hit-check.ts); a refused one is returned with its reason.
import type { sonde } from '@sonde/protocol';
import type { HitRow, HitStore, Counts } from '../store/store.js';
import { checkHitReport, sameCounts } from './hit-check.js';

export interface HitCountsDeps {
  store: HitStore;
  /** When the action was created, or undefined when the gateway does not hold it. */
  createdAtMs(actionId: string): number | undefined;
  now: () => number;
  maxPerSecond: number;
}

export interface HitOutcome {
  /** Summed counts to push to clients (agent_id empty), for the actions whose totals changed. */
  changed: sonde.v1.IHitCount[];
  refused: { actionId: string; why: string }[];
}

/** Actions whose agents' costs are kept; past it the map starts again (costs are informational, and sent again with the next hits). */
const MAX_COSTED = 20_000;

export class HitCounts {
  /** Per action, each agent process's last measured cost per hit (ns). */
  private readonly costs = new Map<string, Map<string, number>>();

  constructor(private readonly deps: HitCountsDeps) {}

  /** The highest cost per hit an agent process measured for the action; 0 when none has. */
  private costOf(actionId: string): number {
    let max = 0;
    for (const ns of this.costs.get(actionId)?.values() ?? []) if (ns > max) max = ns;
    return max;
  }

  private noteCost(actionId: string, instance: string, ns: number | null | undefined): void {
    if (typeof ns !== 'number' || !Number.isFinite(ns) || ns <= 0 || ns > 1e12) return;
    if (this.costs.size >= MAX_COSTED && !this.costs.has(actionId)) this.costs.clear();
    let per = this.costs.get(actionId);
    if (per === undefined) this.costs.set(actionId, (per = new Map()));
    per.set(instance, ns);
  }

  /** `reports` holds at most one report per action (the batch's last: counts are cumulative). */
  report(instance: string, reports: readonly sonde.v1.IHitCount[]): HitOutcome {
    const now = this.deps.now();
    const rows: ({ actionId: string } & HitRow)[] = [];
    const before = new Map<string, Counts>();
    const refused: HitOutcome['refused'] = [];
    for (const r of reports) {
      const actionId = r.actionId ?? '';
      const createdAtMs = this.deps.createdAtMs(actionId);
      if (createdAtMs === undefined) continue;
      const previous = this.deps.store.hitRow(actionId, instance);
      const check = checkHitReport(r, { previous, actionCreatedMs: createdAtMs, nowMs: now, maxPerSecond: this.deps.maxPerSecond });
      if (!check.ok) {
        refused.push({ actionId, why: check.why });
        continue;
      }
      this.noteCost(actionId, instance, r.costNsPerHit);
      if (sameCounts(previous, check.counts)) continue;
      before.set(actionId, this.deps.store.totals(actionId));
      rows.push({ actionId, ...check.counts, atMs: now });
    }
    const changed: sonde.v1.IHitCount[] = [];
    if (rows.length) {
      for (const [actionId, total] of this.deps.store.putHits(instance, rows)) {
        if (!sameCounts(before.get(actionId), total)) changed.push({ actionId, agentId: '', ...total, costNsPerHit: this.costOf(actionId) });
      }
    }
    return { changed, refused };
  }
}
