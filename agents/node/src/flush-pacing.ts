// When the agent's batches go out. A busy probe keeps to the flush interval,
// so a hot line costs one frame per interval, not one per hit. What a user
// waits for goes out after the current turn instead (never inside the hit):
// any state, an action's first event, and the first event after QUIET_MS
// with none sent.

/** How long after a send of lines, snapshots or samples the agent counts as busy. */
export const QUIET_MS = 100;

export class FlushPacing {
  private quiet = true;
  private quietTimer: NodeJS.Timeout | undefined;
  private soon = false;
  /** Actions that have produced an event (forgotten when removed). */
  private readonly heard = new Set<string>();

  constructor(
    private readonly flush: () => void,
    private readonly quietMs = QUIET_MS,
  ) {}

  /** A probe of this action produced an event. */
  event(actionId: string): void {
    if (!this.quiet && this.heard.has(actionId)) return;
    this.heard.add(actionId);
    this.flushSoon();
  }

  /** States are few (a quota's pause and resume at most), and each is what a lens waits for. */
  state(): void {
    this.flushSoon();
  }

  /** A flush went out: with lines, snapshots or samples in it the agent is busy for a while; states, counts and stats leave it quiet. */
  sent(withEvents: boolean): void {
    clearTimeout(this.quietTimer);
    this.quiet = !withEvents;
    if (!withEvents) return;
    this.quietTimer = setTimeout(() => (this.quiet = true), this.quietMs);
    this.quietTimer.unref();
  }

  forget(actionId: string): void {
    this.heard.delete(actionId);
  }

  stop(): void {
    clearTimeout(this.quietTimer);
  }

  private flushSoon(): void {
    this.quiet = false;
    if (this.soon) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      this.flush();
    });
  }
}
