// Reconnection delays: doubling from a first delay up to a cap, with jitter
// so that many peers do not all come back at the same instant after a
// gateway restart.

export interface BackoffOptions {
  /** First delay. Default 250 ms. */
  initialDelayMs?: number;
  /** Cap. Default 5 s. */
  maxDelayMs?: number;
}

export class Backoff {
  private failures = 0;
  private readonly initial: number;
  private readonly max: number;

  constructor(options: BackoffOptions = {}) {
    this.initial = options.initialDelayMs ?? 250;
    this.max = options.maxDelayMs ?? 5_000;
  }

  /** Failures since the last success. */
  get attempt(): number {
    return this.failures;
  }

  /** Counts a failure and returns how long to wait before the next try. */
  next(): number {
    this.failures += 1;
    const base = Math.min(this.max, this.initial * 2 ** (this.failures - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  reset(): void {
    this.failures = 0;
  }
}
