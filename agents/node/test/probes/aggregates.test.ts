// Counters and metrics: hits and values aggregated inside the agent, one
// sample an interval per probe (count, sum, min, max, quantiles), with no
// event per hit.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ProbeEngine, type CounterProbeSpec, type MetricEvent, type MetricProbeSpec } from '../../src/probes/index.js';
import { AGENT_ROOT, engineForEachTest, FIXTURES } from './helpers.js';

const require = createRequire(import.meta.url);
const FILE = 'test/fixtures/greet.cjs';

describe('probes/ProbeEngine counters and metrics', function () {
  this.timeout(20_000);
  const { greet } = require(join(FIXTURES, 'greet.cjs')) as { greet(n: string): string };

  const t = engineForEachTest({ roots: [AGENT_ROOT], metricIntervalMs: 100 });

  const samples = (id: string) => t.sink.metrics.filter((m) => m.id === id);
  const counted = (id: string) => samples(id).reduce((n, m) => n + m.count, 0);

  async function install(spec: CounterProbeSpec | MetricProbeSpec): Promise<void> {
    t.engine.upsert(spec);
    await t.engine.whenIdle();
    assert.equal(t.sink.lastState(spec.id)?.state, 'active', t.sink.lastState(spec.id)?.reason);
  }

  it('counts the hits where the condition holds, one sample an interval, named for the file and line by default', async () => {
    await install({ id: 'c', kind: 'counter', file: FILE, line: 4, condition: 'name !== "skip"', name: '' });
    for (const n of ['a', 'b', 'skip', 'c', 'd', 'skip', 'e', 'f', 'g']) greet(n);
    await t.sink.until(() => counted('c') === 7);
    const first = samples('c')[0]!;
    assert.equal(first.name, `${FILE}:4`);
    assert.ok(first.endMs >= first.startMs && first.startMs > 0);
    assert.equal(t.sink.textsOf('c').length, 0, 'no line per hit');
    assert.equal(t.engine.hits().get('c'), 7);
    // One empty interval follows, so a live rate falls to zero; then nothing until it fires again.
    await t.sink.until(() => samples('c').at(-1)!.count === 0);
    const quiet = samples('c').length;
    await new Promise((r) => setTimeout(r, 350));
    assert.equal(samples('c').length, quiet);
  });

  it('aggregates a metric: count, sum, min, max and quantiles within 1 %', async () => {
    await install({ id: 'm', kind: 'metric', file: FILE, line: 4, condition: '', expression: 'name.length', name: 'name length' });
    for (let i = 1; i <= 100; i++) greet('x'.repeat(i));
    await t.sink.until(() => counted('m') === 100);
    const withValues = samples('m').filter((m) => m.count > 0);
    assert.equal(withValues.length, 1, 'all in one interval (they ran in one turn)');
    const s: MetricEvent = withValues[0]!;
    assert.equal(s.name, 'name length');
    assert.deepEqual([s.count, s.sum, s.min, s.max], [100, 5050, 1, 100]);
    for (const [got, want] of [[s.p50, 50], [s.p90, 90], [s.p99, 99]] as const) assert.ok(Math.abs(got - want) <= want * 0.02 + 1, `quantile ${got}, expected about ${want}`);
  });

  it('says when a metric value is not a number, counts nothing for it, and recovers when numbers come', async () => {
    await install({ id: 'bad', kind: 'metric', file: FILE, line: 4, condition: '', expression: 'name', name: '' });
    greet('aa');
    await t.sink.untilState('bad', 'error');
    assert.equal(t.sink.lastState('bad')!.reason, `the metric's value is aa, not a number; the hit is not counted`);
    assert.equal(t.sink.lastState('bad')!.code, 'invalid-expression');
    t.engine.upsert({ id: 'bad', kind: 'metric', file: FILE, line: 4, condition: '', expression: 'name.length', name: '' });
    await t.engine.whenIdle();
    greet('aaa');
    await t.sink.until(() => counted('bad') === 1);
    assert.equal(samples('bad').find((m) => m.count === 1)!.sum, 3);
  });

  it('sends what a removed probe counted since the last interval, then nothing', async () => {
    const slow = new ProbeEngine(t.sink, { roots: [AGENT_ROOT], metricIntervalMs: 60_000 });
    slow.start();
    try {
      slow.upsert({ id: 'r', kind: 'counter', file: FILE, line: 4, condition: '', name: 'removed' });
      await slow.whenIdle();
      greet('a');
      greet('b');
      assert.equal(samples('r').length, 0, 'nothing before the interval ends');
      slow.remove('r');
      assert.deepEqual(samples('r').map((m) => m.count), [2]);
      greet('c');
      await slow.whenIdle();
      assert.deepEqual(samples('r').map((m) => m.count), [2]);
    } finally {
      slow.stop();
      await slow.whenIdle();
    }
  });

  it('refuses a metric without an expression, and an unsafe one, saying why', async () => {
    t.engine.upsert({ id: 'none', kind: 'metric', file: FILE, line: 4, condition: '', expression: ' ', name: '' });
    t.engine.upsert({ id: 'unsafe', kind: 'metric', file: FILE, line: 4, condition: '', expression: 'count++', name: '' });
    await t.engine.whenIdle();
    assert.equal(t.sink.lastState('none')!.code, 'invalid-action');
    assert.match(t.sink.lastState('none')!.reason, /a metric needs an expression whose value is a number/);
    assert.equal(t.sink.lastState('unsafe')!.code, 'unsafe-expression');
    assert.match(t.sink.lastState('unsafe')!.reason, /^expression: /);
  });
});
