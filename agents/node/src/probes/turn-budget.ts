// Engine work is spread across turns of the host's event loop: each turn
// gets a small time budget, then the engine yields (setImmediate) so that
// the host's I/O, timers and requests run before it goes on. A burst of
// thousands of probes thus costs the host many short pauses, never one long one.

/** Engine work a turn of the event loop may take before yielding to the host. */
export const TURN_BUDGET_MS = 10;

export class TurnBudget {
  private sliceStart = performance.now();

  constructor(private readonly budgetMs = TURN_BUDGET_MS) {}

  /** Yields to the event loop when this turn's budget is spent; returns at once otherwise. */
  async pause(): Promise<void> {
    if (performance.now() - this.sliceStart < this.budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}
