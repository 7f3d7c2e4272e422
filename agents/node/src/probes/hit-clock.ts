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

let cached = 0;
let left = 0;
let pending = false;

function expire(): void {
  pending = false;
  left = 0;
}

export function hitNow(): number {
  if (left > 0) {
    left--;
    return cached;
  }
  cached = Date.now();
  left = READS_SHARED - 1;
  if (!pending) {
    pending = true;
    queueMicrotask(expire);
  }
  return cached;
}
