// Log quotas, kept inside the agent so that a probe on a hot line never floods
// the gateway or the editor. Each probe has a token bucket and all probes
// share one more; a line is logged only when both have a token. Over budget
// the probe pauses (hits are still counted) and resumes by itself once its
// bucket has refilled to half, so that a steady flood alternates between
// bursts and pauses instead of flapping on every hit.

export interface QuotaOptions {
  /** Lines a second one probe may log, sustained (default 50). */
  perProbePerSecond?: number;
  /** Lines one probe may log in a burst (default 200). */
  perProbeBurst?: number;
  /** Lines a second all probes together may log (default 500). */
  perAgentPerSecond?: number;
  perAgentBurst?: number;
}

/** A kind's message over its quota: `Snapshot is paused … until snapshot quota is restored`. */
export const pausedReason = (title: string, kind: string) => `${title} is paused due to high call rate until ${kind} quota is restored`;
export const PAUSED_REASON = pausedReason('Logpoint', 'log');

export class TokenBucket {
  private tokens: number;
  /** When the tokens were last counted; NaN until the first take. */
  private last = Number.NaN;

  constructor(
    private readonly perMs: number,
    readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Returns a token taken for a line that was not logged after all. */
  give(): void {
    this.tokens += 1;
  }

  /** Refills for the time since the last refill; returns the tokens now held. */
  level(nowMs: number): number {
    if (Number.isNaN(this.last)) this.last = nowMs;
    if (nowMs > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + (nowMs - this.last) * this.perMs);
      this.last = nowMs;
    }
    return this.tokens;
  }

  /** Takes a token if there is one. Refills only when empty: the hot path is two comparisons. */
  take(nowMs: number): boolean {
    // The full bucket starts at the first take: refilling from time 0 would hand out a second burst.
    if (Number.isNaN(this.last)) this.last = nowMs;
    if (this.tokens < 1 && this.level(nowMs) < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** One probe's admission: its own bucket, the shared one, and whether it is paused. */
export class ProbeQuota {
  paused = false;

  constructor(
    private readonly own: TokenBucket,
    private readonly shared: TokenBucket,
  ) {}

  /** True when a line may be logged now; flips `paused` as budgets run out and refill. */
  admit(nowMs: number): boolean {
    if (this.paused) {
      if (this.own.level(nowMs) < this.own.burst / 2 || this.shared.level(nowMs) < 1) return false;
      this.paused = false;
    }
    if (this.own.take(nowMs)) {
      if (this.shared.take(nowMs)) return true;
      this.own.give();
    }
    this.paused = true;
    return false;
  }
}

export class Quotas {
  private readonly shared: TokenBucket;
  private readonly perProbeMs: number;
  private readonly perProbeBurst: number;

  constructor(options: QuotaOptions = {}) {
    this.perProbeMs = (options.perProbePerSecond ?? 50) / 1000;
    this.perProbeBurst = options.perProbeBurst ?? 200;
    this.shared = new TokenBucket((options.perAgentPerSecond ?? 500) / 1000, options.perAgentBurst ?? 1000);
  }

  forProbe(): ProbeQuota {
    return new ProbeQuota(new TokenBucket(this.perProbeMs, this.perProbeBurst), this.shared);
  }
}
