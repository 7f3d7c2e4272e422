// Log quotas, kept inside the agent so that a probe on a hot line never floods
// the gateway or the editor. Each probe has a token bucket and all probes
// share one more; a line is logged only when both have a token. Over budget
// the probe pauses (hits are still counted) and resumes by itself once its
// bucket has refilled to half, so that a steady flood alternates between
// bursts and pauses instead of flapping on every hit.

/** One kind's budget: per probe and for all the agent's probes of the kind; Infinity means no quota. */
export interface KindBudget {
  /** The kind as its paused message names it: "Snapshot is paused …". */
  title: string;
  perProbePerSecond: number;
  perProbeBurst: number;
  perAgentPerSecond: number;
  perAgentBurst: number;
}

/**
 * Every kind's budget: a new kind gets its quota with one entry here. Snapshots
 * are costly (a stack and a tree each), so one a second per probe, as Datadog
 * does; counters, tic-tocs and metrics aggregate in place and have no per-hit event.
 */
export const DEFAULT_BUDGETS: Readonly<Record<string, Readonly<KindBudget>>> = {
  log: { title: 'Logpoint', perProbePerSecond: 50, perProbeBurst: 200, perAgentPerSecond: 500, perAgentBurst: 1000 },
  snapshot: { title: 'Snapshot', perProbePerSecond: 1, perProbeBurst: 1, perAgentPerSecond: 20, perAgentBurst: 20 },
  tictoc: { title: 'Tic-toc', perProbePerSecond: Infinity, perProbeBurst: Infinity, perAgentPerSecond: Infinity, perAgentBurst: Infinity },
  counter: { title: 'Counter', perProbePerSecond: Infinity, perProbeBurst: Infinity, perAgentPerSecond: Infinity, perAgentBurst: Infinity },
  metric: { title: 'Metric', perProbePerSecond: Infinity, perProbeBurst: Infinity, perAgentPerSecond: Infinity, perAgentBurst: Infinity },
};

/** The budget keys an operator's policy may set for a kind. */
export type BudgetSettings = Partial<Omit<KindBudget, 'title'>>;

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

/** A bucket's rate, shared by every bucket of a kind so that a policy change reaches installed probes. */
export interface Rate {
  perMs: number;
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  /** When the tokens were last counted; NaN until the first take. */
  private last = Number.NaN;
  private readonly rate: Rate;

  constructor(perMs: number | Rate, burst = 0) {
    this.rate = typeof perMs === 'number' ? { perMs, burst } : perMs;
    this.tokens = this.rate.burst;
  }

  get burst(): number {
    return this.rate.burst;
  }

  /** Returns a token taken for a line that was not logged after all. */
  give(): void {
    this.tokens += 1;
  }

  /** Refills for the time since the last refill; returns the tokens now held. */
  level(nowMs: number): number {
    if (Number.isNaN(this.last)) this.last = nowMs;
    // An unlimited rate refills at once, even within the same millisecond (Infinity × 0 would be NaN).
    if (nowMs > this.last || this.rate.perMs === Infinity) {
      const refill = this.rate.perMs === Infinity ? Infinity : (nowMs - this.last) * this.rate.perMs;
      this.tokens = Math.min(this.rate.burst, this.tokens + refill);
      this.last = nowMs;
    }
    return this.tokens;
  }

  /** Takes a token if there is one. Refills only when empty: the hot path is two comparisons. */
  take(nowMs: number): boolean {
    // The full bucket starts at the first take (refilling from time 0 would hand out a second burst), at the burst then in force.
    if (Number.isNaN(this.last)) {
      this.last = nowMs;
      this.tokens = Math.min(this.tokens, this.rate.burst);
    }
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
    /** What the probe says while paused: its kind's message. */
    readonly reason: string = PAUSED_REASON,
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

interface KindRates {
  title: string;
  perProbe: Rate;
  perAgent: Rate;
  shared: TokenBucket;
}

/** The budgets of every kind; set() changes them live, for probes already installed too. */
export class Quotas {
  private readonly kinds = new Map<string, KindRates>();
  /** The agent's own budgets (the defaults, with the engine's options): what a policy without a kind's quota means. */
  private readonly own: Record<string, BudgetSettings>;

  constructor(options: QuotaOptions = {}) {
    for (const [kind, b] of Object.entries(DEFAULT_BUDGETS)) {
      const perAgent = { perMs: b.perAgentPerSecond / 1000, burst: b.perAgentBurst };
      this.kinds.set(kind, { title: b.title, perProbe: { perMs: b.perProbePerSecond / 1000, burst: b.perProbeBurst }, perAgent, shared: new TokenBucket(perAgent) });
    }
    // The options the engine always took are the log kind's.
    this.set({
      log: {
        perProbePerSecond: options.perProbePerSecond,
        perProbeBurst: options.perProbeBurst,
        perAgentPerSecond: options.perAgentPerSecond,
        perAgentBurst: options.perAgentBurst,
      },
    });
    this.own = Object.fromEntries([...this.kinds].map(([kind, k]) => [kind, { perProbePerSecond: k.perProbe.perMs * 1000, perProbeBurst: k.perProbe.burst, perAgentPerSecond: k.perAgent.perMs * 1000, perAgentBurst: k.perAgent.burst }]));
  }

  /** The policy's budgets, whole: a kind or key it leaves out is the agent's own again (a quota taken out of the policy ends). */
  apply(budgets: Readonly<Record<string, BudgetSettings | undefined>>): void {
    this.set(this.own);
    this.set(budgets);
  }

  /** Changes budgets by kind; a key left out keeps its value. Unknown kinds are ignored. */
  set(budgets: Readonly<Record<string, BudgetSettings | undefined>>): void {
    for (const [kind, b] of Object.entries(budgets)) {
      const k = this.kinds.get(kind);
      if (k === undefined || b === undefined) continue;
      if (b.perProbePerSecond !== undefined) k.perProbe.perMs = b.perProbePerSecond / 1000;
      if (b.perProbeBurst !== undefined) k.perProbe.burst = b.perProbeBurst;
      if (b.perAgentPerSecond !== undefined) k.perAgent.perMs = b.perAgentPerSecond / 1000;
      if (b.perAgentBurst !== undefined) k.perAgent.burst = b.perAgentBurst;
    }
  }

  /** A new probe's admission under its kind's budget (a kind with no entry gets the log budget, titled by its name). */
  forProbe(kind = 'log'): ProbeQuota {
    const k = this.kinds.get(kind) ?? this.kinds.get('log')!;
    const title = this.kinds.has(kind) ? k.title : kind[0]!.toUpperCase() + kind.slice(1);
    return new ProbeQuota(new TokenBucket(k.perProbe), k.shared, pausedReason(title, this.kinds.has(kind) ? kind : kind));
  }
}
