// Retries a job with exponential backoff on an unref'd timer, so a probe
// waiting for V8 to accept a patch never keeps the process alive. Each
// attempt can make V8 walk the heap looking for live generators, hence the
// growing delay.

export class RetryTimer {
  private timer: NodeJS.Timeout | undefined;
  private delay: number;

  constructor(
    private readonly job: () => void,
    private readonly firstDelayMs = 100,
    private readonly maxDelayMs = 30_000,
  ) {
    this.delay = firstDelayMs;
  }

  /** Runs the job later unless a run is already scheduled. */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.job();
    }, this.delay);
    this.timer.unref();
    this.delay = Math.min(this.delay * 2, this.maxDelayMs);
  }

  /** The goal was reached: stop and start from the short delay next time. */
  reset(): void {
    this.cancel();
    this.delay = this.firstDelayMs;
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
