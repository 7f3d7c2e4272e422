// The hit clock: one reading of Date.now() serves at most 64 hits of one
// synchronous stretch; the first hit after the stretch yields reads again.
import assert from 'node:assert/strict';
import { createHitClock, hitNow as agentClock } from '../../src/probes/hit-clock.js';

describe('probes/createHitClock', () => {
  let reads = 0;
  let hitNow: () => number;
  beforeEach(() => {
    reads = 0;
    hitNow = createHitClock(() => ++reads, queueMicrotask);
  });

  it('shares a reading among 64 hits of one synchronous stretch, then reads again', () => {
    const times = Array.from({ length: 130 }, () => hitNow());
    assert.deepEqual([times[0], times[63], times[64], times[127], times[128]], [1, 1, 2, 2, 3]);
    assert.equal(reads, 3);
  });

  it('never calls a Date.now the program replaced later', async () => {
    await Promise.resolve(); // the agent's clock reads afresh on its next hit
    const real = Date.now;
    Date.now = () => 42;
    try {
      assert.ok(agentClock() > 1e12, 'the time from the real clock');
    } finally {
      Date.now = real;
    }
  });

  it('reads again on the first hit after the stretch yields', async () => {
    assert.equal(hitNow(), 1);
    assert.equal(hitNow(), 1);
    await Promise.resolve();
    assert.equal(hitNow(), 2);
    await new Promise((r) => setImmediate(r));
    assert.equal(hitNow(), 3);
  });
});
