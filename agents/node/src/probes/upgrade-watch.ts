// Watches one script's breakpoint passes while some of its probes wait on
// breakpoints for a hot patch, and asks for the patch when the live-edit
// policy says the passes pay for its pause. Each breakpoint condition of the
// script counts its passes on the runtime's counter `counter`. An edit V8
// refused (a function on the stack) makes the next ask wait longer.

import type { LiveEditPolicy } from './live-edit-policy.js';
import type { ProbeRuntime } from './runtime.js';

const SAMPLE_MS = 1000;
const MAX_SKIPPED = 30;

export class UpgradeWatch {
  readonly counter: number;
  private timer: NodeJS.Timeout | undefined;
  private lastPasses = 0;
  private lastAt = 0;
  private refusals = 0;
  private skip = 0;

  constructor(
    private readonly policy: LiveEditPolicy,
    private readonly runtime: ProbeRuntime,
    private readonly upgrade: () => void,
  ) {
    this.counter = runtime.allocateCounter();
  }

  /** Whether some probes of the script wait on breakpoints for a patch. */
  waiting(yes: boolean): void {
    if (!yes || this.policy.mode !== 'adaptive') return this.stop();
    if (this.timer !== undefined) return;
    this.lastPasses = this.runtime.passes(this.counter);
    this.lastAt = performance.now();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  /** An edit was tried: V8 took it, or refused it for now. */
  tried(taken: boolean): void {
    this.refusals = taken ? 0 : Math.min(this.refusals + 1, 5);
    this.skip = Math.min(2 ** this.refusals - 1, MAX_SKIPPED);
  }

  dispose(): void {
    this.stop();
    this.runtime.releaseCounter(this.counter);
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private sample(): void {
    const passes = this.runtime.passes(this.counter);
    const at = performance.now();
    const perSecond = ((passes - this.lastPasses) * 1000) / Math.max(1, at - this.lastAt);
    this.lastPasses = passes;
    this.lastAt = at;
    if (this.skip > 0) this.skip--;
    else if (this.policy.worthEditing(perSecond)) this.upgrade();
  }
}
