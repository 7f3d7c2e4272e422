import assert from 'node:assert/strict';
import { ProbeQuota, Quotas, TokenBucket } from '../../src/probes/quota.js';

describe('probes/quota', () => {
  it('a budget lifted to unlimited after the bucket was in use never runs dry, even within one millisecond', () => {
    const quotas = new Quotas();
    const q = quotas.forProbe('log');
    quotas.set({ log: { perProbePerSecond: Infinity, perProbeBurst: Infinity, perAgentPerSecond: Infinity, perAgentBurst: Infinity } });
    for (let i = 0; i < 10_000; i++) assert.equal(q.admit(1_000), true, `hit ${i} was refused`);
    assert.equal(q.paused, false);
  });

  it('a bucket gives its burst, then refills at its rate', () => {
    const b = new TokenBucket(1 / 100, 3); // one token every 100 ms
    assert.deepEqual([b.take(0), b.take(0), b.take(0), b.take(0)], [true, true, true, false]);
    assert.equal(b.take(50), false);
    assert.equal(b.take(100), true);
  });

  it('gives one burst at the start on a real clock, not a second one at the first refill', () => {
    const b = new TokenBucket(1 / 1000, 3); // one token a second
    const now = 1_700_000_000_000;
    assert.deepEqual([b.take(now), b.take(now), b.take(now), b.take(now + 1)], [true, true, true, false]);
    assert.equal(b.take(now + 1000), true);
  });

  it('a probe over budget pauses, and resumes only once its bucket is half full again', () => {
    const q = new ProbeQuota(new TokenBucket(1 / 10, 4), new TokenBucket(1, 1000)); // 4 lines, then one per 10 ms
    const admitted = [0, 0, 0, 0, 0].map(() => q.admit(0));
    assert.deepEqual(admitted, [true, true, true, true, false]);
    assert.equal(q.paused, true);
    assert.equal(q.admit(10), false, 'one token back is not enough: no flapping');
    assert.equal(q.paused, true);
    assert.equal(q.admit(20), true, 'half the burst back: resumes');
    assert.equal(q.paused, false);
  });

  it('all probes share the agent budget', () => {
    const quotas = new Quotas({ perProbePerSecond: 1000, perProbeBurst: 100, perAgentPerSecond: 1, perAgentBurst: 3 });
    const a = quotas.forProbe();
    const b = quotas.forProbe();
    assert.deepEqual([a.admit(0), a.admit(0), b.admit(0), b.admit(0)], [true, true, true, false]);
    assert.equal(b.paused, true);
  });
});
