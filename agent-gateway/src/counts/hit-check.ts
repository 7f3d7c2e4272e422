// Whether an agent's hit report can be true, before it is stored: counts are
// cumulative per agent process, so a report may not go backwards, may not be
// past what a number holds exactly, and may not grow faster than a process
// could count. A report that fails is refused whole (it never reaches a
// total); the agent's next true report repairs the row.
import type { sonde } from '@sonde/protocol';
import { exactInt64 } from '../checks/fields.js';
import type { Counts, HitRow } from '../store/store.js';

const NAMES = ['hits', 'dropped', 'suppressed'] as const;

export interface HitCheckContext {
  /** What this agent process last reported for the action, if anything. */
  previous: HitRow | undefined;
  /** When the action was created: before it, nothing could be counted. */
  actionCreatedMs: number;
  nowMs: number;
  maxPerSecond: number;
}

export type HitCheck = { ok: true; counts: Counts } | { ok: false; why: string };

export function checkHitReport(report: sonde.v1.IHitCount, ctx: HitCheckContext): HitCheck {
  const since = ctx.previous ? ctx.previous.atMs : ctx.actionCreatedMs;
  // At least a second of slack: clocks tick coarsely, and a first report follows the action closely.
  const seconds = Math.max(1, (ctx.nowMs - since) / 1000);
  const counts: Counts = { hits: 0, dropped: 0, suppressed: 0 };
  for (const name of NAMES) {
    const raw = report[name];
    const value = exactInt64(raw);
    if (value === undefined || value < 0) return { ok: false, why: `${name} ${String(raw)} is not a count the gateway can hold exactly (0 to ${Number.MAX_SAFE_INTEGER})` };
    const before = ctx.previous?.[name] ?? 0;
    if (value < before) return { ok: false, why: `${name} went from ${before} to ${value}; counts are cumulative per agent process and never go down` };
    const most = before + Math.floor(ctx.maxPerSecond * seconds);
    if (value > most) {
      return { ok: false, why: `${name} jumped from ${before} to ${value} in ${seconds.toFixed(1)} s, more than the ${ctx.maxPerSecond} a second a process can count` };
    }
    counts[name] = value;
  }
  return { ok: true, counts };
}

export function sameCounts(a: Counts | undefined, b: Counts): boolean {
  return !!a && a.hits === b.hits && a.dropped === b.dropped && a.suppressed === b.suppressed;
}
