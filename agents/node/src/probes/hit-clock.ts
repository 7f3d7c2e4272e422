// The clock a hit reads for its timestamp and its quota. Date.now() costs
// 60–90 ns on the machines we measured (a quarter of a log hit), so within
// one uninterrupted stretch of synchronous code a reading serves up to 64
// hits, and the first hit after the stretch yields (any microtask or task
// boundary) reads the clock again. A line's time is then never later than
// the hit and never earlier than the start of its synchronous stretch; a
// request handler's hits carry the time its stretch began. Tic-toc spans
// do not use this: they read performance.now() at both ends.

/** Hits one reading serves in a row, within one synchronous stretch. */
const READS_SHARED = 64;

/** A hit clock over `clock`; `enqueue` runs a task at the next microtask checkpoint. */
export function createHitClock(clock: () => number, enqueue: (task: () => void) => void): () => number {
  let cached = 0;
  let left = 0;
  let pending = false;
  const expire = (): void => {
    pending = false;
    left = 0;
  };
  return () => {
    if (left > 0) {
      left--;
      return cached;
    }
    cached = clock();
    left = READS_SHARED - 1;
    if (!pending) {
      pending = true;
      enqueue(expire);
    }
    return cached;
  };
}

// Taken when the agent loads, before the program: a program that replaces them (fake timers, a zone library) does not run on our hits.
export const hitNow = createHitClock(Date.now, queueMicrotask);
