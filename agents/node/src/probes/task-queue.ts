// All inspector work runs through one serial queue of async tasks; nothing
// assumes that session callbacks are synchronous (on a same-thread session
// they are, so a chain of tasks would never let the host run: the queue
// yields to the event loop between tasks once a turn's budget is spent).

import { describe } from './describe.js';
import type { TurnBudget } from './turn-budget.js';

export class TaskQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: (message: string) => void,
    private readonly budget: TurnBudget,
  ) {}

  enqueue(task: () => Promise<void>): void {
    // Tasks report their own failures as probe states; what escapes is a bug, said in the log.
    this.tail = this.tail
      .then(() => this.budget.pause())
      .then(task)
      .catch((err: unknown) => this.log(`internal error in a probe task: ${describe(err)}`));
  }

  /** Resolves once the work queued so far is done. */
  whenIdle(): Promise<void> {
    return this.tail;
  }
}
