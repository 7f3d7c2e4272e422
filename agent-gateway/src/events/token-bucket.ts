// A connection's event budget: `burst` events at once, refilled at `perSecond`.

export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst;
    this.lastMs = now();
  }

  /** Takes one token; false when there is none left (the event is over the rate). */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  /** Takes one token even when none is left, going into debt: for events that are never dropped, whose cost still counts. */
  charge(): void {
    this.refill();
    this.tokens = Math.max(this.tokens - 1, -this.burst);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastMs) / 1000) * this.perSecond);
    this.lastMs = now;
  }
}
