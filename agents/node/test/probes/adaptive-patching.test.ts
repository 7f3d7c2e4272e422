// The default install path: a probe goes in as a breakpoint (no live edit,
// so no pause of the host), and its script is hot-patched only when the
// breakpoints' passes pay for the pause a live edit costs.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ProbeEngine, type ProbeSpec } from '../../src/probes/index.js';
import { LiveEditPolicy } from '../../src/probes/live-edit-policy.js';
import { AGENT_ROOT, FIXTURES, RecordingSink } from './helpers.js';

const require = createRequire(import.meta.url);
const NO_QUOTA = { perProbePerSecond: Infinity, perProbeBurst: Infinity, perAgentPerSecond: Infinity, perAgentBurst: Infinity };

function spec(id: string, line: number, format: string): ProbeSpec {
  return { id, kind: 'log', file: 'test/fixtures/greet.cjs', line, format, condition: '' };
}

describe('probes/live-edit policy', () => {
  it('edits when the breakpoints would cost the expected pause within ten seconds', () => {
    const policy = new LiveEditPolicy('adaptive', () => 0, () => 10);
    assert.equal(policy.expectedPauseMs(), 100); // 50 ms floor + 5 ms per MB before any edit was measured
    assert.equal(policy.worthEditing(66), false); // 66 × 0.15 ms × 10 s = 99 ms
    assert.equal(policy.worthEditing(67), true);
  });

  it('calibrates on the last edit, scaled by the heap, and spaces edits twenty times their pause', () => {
    let now = 0;
    let heap = 10;
    const policy = new LiveEditPolicy('adaptive', () => now, () => heap);
    policy.edited(300);
    heap = 20;
    assert.equal(policy.expectedPauseMs(), 600);
    assert.equal(policy.worthEditing(1e6), false, 'no edit within 20 × 300 ms of the last');
    now = 6_000;
    assert.equal(policy.worthEditing(1e6), true);
    assert.equal(policy.worthEditing(399), false);
  });

  it('never edits by rate in the other modes', () => {
    assert.equal(new LiveEditPolicy('never').worthEditing(1e9), false);
    assert.equal(new LiveEditPolicy('at-once').worthEditing(1e9), false);
    assert.equal(new LiveEditPolicy('at-once').atOnce, true);
  });
});

describe('probes/ProbeEngine, adaptive hot patching (the default)', function () {
  this.timeout(30_000);
  let sink: RecordingSink;
  let engine: ProbeEngine;
  const { greet, classify } = require(join(FIXTURES, 'greet.cjs')) as { greet(n: string): string; classify(n: number): string };

  afterEach(async () => {
    engine.stop();
    await engine.whenIdle();
  });

  function start(hotPatch?: 'never'): void {
    sink = new RecordingSink();
    engine = new ProbeEngine(sink, { roots: [AGENT_ROOT], quota: NO_QUOTA, ...(hotPatch ? { hotPatch } : {}) });
    engine.start();
  }

  /** Calls `fn` about `perSecond` times a second, in bursts, for `ms`. */
  async function drive(fn: () => void, perSecond: number, ms: number): Promise<number> {
    let calls = 0;
    const end = Date.now() + ms;
    while (Date.now() < end) {
      for (let i = 0; i < perSecond / 20; i++, calls++) fn();
      await new Promise((r) => setTimeout(r, 50));
    }
    return calls;
  }

  it('serves a new probe by a breakpoint, then hot-patches its script once the line runs often, losing no line', async () => {
    start();
    engine.upsert(spec('hot', 4, 'name={name}'));
    await engine.whenIdle();
    assert.equal(sink.lastState('hot')?.code, 'installed-fallback');
    assert.match(sink.lastState('hot')!.reason, /^breakpoint at .*greet\.cjs:4 \(moved into the source once its hit rate pays for the pause/);
    assert.equal(greet('aa'), 'hello aa');
    assert.deepEqual(sink.textsOf('hot'), ['name=aa']);

    let calls = 1;
    const upgraded = sink.untilState('hot', 'active', 'hot-patched');
    let done = false;
    void upgraded.then(() => (done = true));
    while (!done) calls += await drive(() => greet('bb'), 4000, 500);
    assert.equal(sink.lastState('hot')?.code, 'installed');
    calls += await drive(() => greet('cc'), 4000, 200);
    await engine.whenIdle();
    assert.equal(sink.textsOf('hot').length, calls, 'one line per call, through the breakpoint and the patch alike');
  });

  it('keeps a probe on a line that runs rarely on its breakpoint', async () => {
    start();
    engine.upsert(spec('cold', 15, 'n={n}'));
    await engine.whenIdle();
    const calls = await drive(() => classify(3), 20, 2500);
    assert.equal(sink.lastState('cold')?.code, 'installed-fallback', sink.lastState('cold')?.reason);
    assert.equal(sink.textsOf('cold').length, calls);
  });

  it('never moves a probe into the source with SONDE_HOT_PATCH=never, however hot its line', async () => {
    start('never');
    engine.upsert(spec('off', 4, 'name={name}'));
    await engine.whenIdle();
    const calls = await drive(() => greet('dd'), 4000, 2500);
    assert.equal(sink.lastState('off')?.code, 'installed-fallback');
    assert.match(sink.lastState('off')!.reason, /hot patching is off \(SONDE_HOT_PATCH=never\)/);
    assert.equal(sink.textsOf('off').length, calls);
  });
});
