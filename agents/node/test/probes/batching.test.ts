// Many probes at once: one new source per script for a burst, one
// breakpoint per location however many probes it serves, and the engine's
// cap on installed probes, with the error past it.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { InspectorClient } from '../../src/probes/inspector-client.js';
import { ProbeEngine, type ProbeSpec } from '../../src/probes/index.js';
import { AGENT_ROOT, FIXTURES, RecordingSink } from './helpers.js';

const require = createRequire(import.meta.url);

function spec(id: string, line: number, format: string, condition = '', file = 'test/fixtures/greet.cjs'): ProbeSpec {
  return { id, kind: 'log', file, line, format, condition };
}

describe('probes/ProbeEngine with many probes at once', function () {
  this.timeout(20_000);
  let sink: RecordingSink;
  let engine: ProbeEngine;
  const fixture = () => require(join(FIXTURES, 'greet.cjs')) as { greet(name: string): string; summary(items: number[]): string };

  function startEngine(options: { maxProbes?: number } = {}): void {
    sink = new RecordingSink();
    engine = new ProbeEngine(sink, { hotPatch: 'at-once', roots: [AGENT_ROOT], ...options });
    engine.start();
  }

  afterEach(async () => {
    engine.stop();
    await engine.whenIdle();
  });

  it('puts a burst of probes in a script with one new source, and each logs', async () => {
    startEngine();
    const { greet } = fixture();
    await engine.whenIdle();
    const original = InspectorClient.prototype.setScriptSource;
    let patches = 0;
    InspectorClient.prototype.setScriptSource = function (this: InspectorClient, ...args: Parameters<typeof original>) {
      patches++;
      return original.apply(this, args);
    };
    try {
      for (let i = 0; i < 40; i++) engine.upsert(spec(`b${i}`, i % 2 === 0 ? 4 : 6, `b${i} {name}`));
      await engine.whenIdle();
    } finally {
      InspectorClient.prototype.setScriptSource = original;
    }
    assert.equal(patches, 1, 'one setScriptSource for the whole burst');
    for (let i = 0; i < 40; i++) assert.match(sink.lastState(`b${i}`)!.reason, /^hot-patched /, `b${i}`);
    assert.equal(greet('aa'), 'hello aa');
    for (let i = 0; i < 40; i++) assert.deepEqual(sink.textsOf(`b${i}`), [`b${i} aa`]);
  });

  it('serves several probes on one breakpoint line with one breakpoint, each with its own condition', async () => {
    startEngine();
    const { summary } = fixture();
    engine.upsert(spec('bp1', 22, 'one n={items.length}'));
    engine.upsert(spec('bp2', 22, 'two n={items.length}', 'items.length > 1'));
    engine.upsert(spec('bp3', 22, 'three {nowhere}'));
    await engine.whenIdle();
    for (const id of ['bp1', 'bp2', 'bp3']) {
      assert.equal(sink.lastState(id)!.state, 'active', `${id}: ${sink.lastState(id)!.reason}`);
      assert.match(sink.lastState(id)!.reason, /^breakpoint at .*greet\.cjs:22 /);
    }
    assert.equal(summary([4]), '1/1');
    assert.equal(summary([4, 5]), '2/2');
    assert.deepEqual(sink.textsOf('bp1'), ['one n=1', 'one n=2']);
    assert.deepEqual(sink.textsOf('bp2'), ['two n=2']);
    assert.deepEqual(sink.textsOf('bp3'), ['three <nowhere is not defined>', 'three <nowhere is not defined>']);
    engine.remove('bp1');
    await engine.whenIdle();
    summary([7]);
    assert.deepEqual(sink.textsOf('bp1'), ['one n=1', 'one n=2'], 'a removed probe logged');
    assert.equal(sink.textsOf('bp3').length, 3, 'the others at the location kept logging');
  });

  it('refuses probes past its limit with probe-limit, and installs a waiting one when another is removed', async () => {
    startEngine({ maxProbes: 2 });
    const { greet } = fixture();
    for (const id of ['l1', 'l2', 'l3']) engine.upsert(spec(id, 4, `${id} {name}`));
    await engine.whenIdle();
    assert.equal(sink.lastState('l1')!.state, 'active');
    assert.equal(sink.lastState('l2')!.state, 'active');
    assert.deepEqual(sink.lastState('l3'), {
      id: 'l3',
      state: 'error',
      code: 'probe-limit',
      reason: 'this agent already holds 2 probes, its limit (SONDE_MAX_PROBES); remove some actions or raise the limit (this one goes in when there is room)',
    });
    greet('aa');
    assert.deepEqual(sink.textsOf('l3'), []);
    engine.remove('l1');
    await engine.whenIdle();
    assert.equal(sink.lastState('l3')!.state, 'active');
    greet('bb');
    assert.deepEqual(sink.textsOf('l3'), ['l3 bb']);
    assert.deepEqual([...engine.hits().keys()].sort(), ['l2', 'l3']);
  });

  it('counts only probes that can fire toward its limit: ones that failed to go in make room', async () => {
    startEngine({ maxProbes: 2 });
    const { greet } = fixture();
    engine.upsert(spec('past-end', 999, 'x'));
    engine.upsert(spec('no-file', 4, 'x', '', 'src/does-not-exist.js'));
    await engine.whenIdle();
    assert.equal(sink.lastState('past-end')!.code, 'line-out-of-range');
    assert.equal(sink.lastState('no-file')!.code, 'file-not-found');
    for (const id of ['ok1', 'ok2']) engine.upsert(spec(id, 4, `${id} {name}`));
    await engine.whenIdle();
    assert.deepEqual([sink.lastState('ok1')!.state, sink.lastState('ok2')!.state], ['active', 'active']);
    greet('cc');
    assert.deepEqual([...sink.textsOf('ok1'), ...sink.textsOf('ok2')], ['ok1 cc', 'ok2 cc']);
  });
});
