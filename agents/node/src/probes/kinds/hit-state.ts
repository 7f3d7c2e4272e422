// What every kind's hit handler does around its own work: the quota step
// (pause and resume the probe as its budget says, count what it holds back)
// and the failing state (an error from the first failure until a hit gets
// through again). One copy, so every kind says these things the same way.

import type { HitContext } from './kind.js';

/** The quota's answer for a hit at `now`; reports the probe paused or resumed when that changed. */
export function admitByQuota(ctx: HitContext, now: number, pausedReason: string = ctx.quota.reason): boolean {
  const { quota, counter } = ctx;
  const wasPaused = quota.paused;
  const admitted = quota.admit(now);
  if (quota.paused !== wasPaused) {
    if (quota.paused) ctx.paused(pausedReason);
    else ctx.resumed();
  }
  if (!admitted) counter.suppressed++;
  return admitted;
}

/** A probe's failing state: reported once when it starts failing, cleared by the next hit that works. */
export class FailingState {
  private on = false;

  constructor(private readonly ctx: HitContext) {}

  /** Reports the failure unless already failing; true when this is a new failure. */
  fail(reason: string, code: 'invalid-expression' | 'runtime-refused'): boolean {
    if (this.on) return false;
    this.on = true;
    this.ctx.failing(reason, code);
    return true;
  }

  /** A hit worked: the probe is active again if it was failing. */
  ok(): void {
    if (!this.on) return;
    this.on = false;
    this.ctx.resumed();
  }
}
