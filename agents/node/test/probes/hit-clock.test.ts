// The hit clock: one reading of Date.now() serves at most 64 hits of one
// synchronous stretch; the first hit after the stretch yields reads again.
import assert from 'node:assert/strict';
import { hitNow } from '../../src/probes/hit-clock.js';

describe('probes/hitNow', () => {
  const real = Date.now;
  let reads = 0;
  beforeEach(async () => {
    await Promise.resolve(); // whatever an earlier test left expires
    reads = 0;
    Date.now = () => ++reads;
  });
  afterEach(() => {
    Date.now = real;
  });

  it('shares a reading among 64 hits of one synchronous stretch, then reads again', () => {
    const times = Array.from({ length: 130 }, () => hitNow());
    assert.deepEqual([times[0], times[63], times[64], times[127], times[128]], [1, 1, 2, 2, 3]);
    assert.equal(reads, 3);
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
