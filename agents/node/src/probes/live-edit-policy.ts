// When a script's probes move from breakpoints into its source. A live edit
// (Debugger.setScriptSource) makes V8 walk the whole heap: it blocks the
// host's thread 50 ms on an empty heap and about a second on a heap of two
// million objects (bench/node-install-stall), however few probes it carries.
// A breakpoint costs about 0.15 ms to set and 0.1–0.25 ms a pass. So, by
// default ('adaptive'), every probe goes in as a breakpoint first, and a
// script is patched only when its breakpoints cost the host more, over
// PAYBACK_S seconds, than the edit's pause is expected to; and live edits
// are spaced so that they never take more than 1/SPACING of the host's time.
// 'at-once' patches as soon as a probe arrives (the lowest cost a hit, one
// pause per batch); 'never' keeps every probe on breakpoints.

export type HotPatchMode = 'adaptive' | 'at-once' | 'never';
export const HOT_PATCH_MODES: readonly HotPatchMode[] = ['adaptive', 'at-once', 'never'];

/** What a breakpoint pass costs the host, in ms (0.06–0.22 measured on Node 20, shared/notes/node.md). */
const PASS_COST_MS = 0.15;
/** An edit is worth it when the breakpoints it replaces would cost as much as its pause within this many seconds. */
const PAYBACK_S = 10;
/** After an edit of P ms, the next waits SPACING × P. */
const SPACING = 20;
/** The pause expected before any edit was measured: V8's floor plus a heap walk of about 5 ms per MB used. */
const FIRST_GUESS_MS = 50;
const MS_PER_HEAP_MB = 5;

export class LiveEditPolicy {
  private measured: { ms: number; heapMb: number } | undefined;
  private nextAllowedAt = 0;

  constructor(
    readonly mode: HotPatchMode = 'adaptive',
    private readonly now: () => number = () => performance.now(),
    private readonly heapMb: () => number = () => process.memoryUsage().heapUsed / 2 ** 20,
  ) {}

  /** Whether probes go into the source without waiting for their hit rate. */
  get atOnce(): boolean {
    return this.mode === 'at-once';
  }

  /** The pause the next edit is expected to cost the host, in ms. */
  expectedPauseMs(): number {
    const heap = this.heapMb();
    if (this.measured === undefined) return FIRST_GUESS_MS + MS_PER_HEAP_MB * heap;
    return Math.max(this.measured.ms * (heap / Math.max(1, this.measured.heapMb)), 1);
  }

  /** Whether breakpoints passed this often (passes a second) pay for an edit now. */
  worthEditing(passesPerSecond: number): boolean {
    if (this.mode !== 'adaptive' || this.now() < this.nextAllowedAt) return false;
    return passesPerSecond * PASS_COST_MS * PAYBACK_S >= this.expectedPauseMs();
  }

  /** An edit just blocked the host for `ms`: it calibrates the estimate and spaces the next. */
  edited(ms: number): void {
    this.measured = { ms, heapMb: this.heapMb() };
    this.nextAllowedAt = this.now() + SPACING * ms;
  }

  /** How the state of a probe waiting on a breakpoint says so. */
  waitingReason(): string {
    return this.mode === 'never'
      ? 'hot patching is off (SONDE_HOT_PATCH=never), slower per hit'
      : 'moved into the source once its hit rate pays for the pause a hot patch costs the app (SONDE_HOT_PATCH=at-once patches at once)';
  }
}
