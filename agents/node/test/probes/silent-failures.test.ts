// Every state the engine reports is true: a probe that cannot fire says so.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ProbeEngine, type ProbeSpec } from '../../src/probes/index.js';
import { InspectorClient } from '../../src/probes/inspector-client.js';
import { LiveEditPolicy } from '../../src/probes/live-edit-policy.js';
import { installRuntime } from '../../src/probes/runtime.js';
import { ScriptPatcher, type PatchTarget } from '../../src/probes/script-patcher.js';
import { urlToPath } from '../../src/probes/path-match.js';
import { HOOK_GLOBAL } from '../../src/probes/hook-names.js';
import { AGENT_ROOT, FIXTURES, RecordingSink } from './helpers.js';

const require = createRequire(import.meta.url);

interface Greet {
  greet(name: string, cart?: { items: unknown[] }): string;
}

describe('probes/states that tell the truth about probes that cannot fire', function () {
  this.timeout(20_000);
  let sink: RecordingSink;
  let engine: ProbeEngine;
  const { greet } = require(join(FIXTURES, 'greet.cjs')) as Greet;
  const spec = (id: string, format: string, condition = ''): ProbeSpec => ({ id, kind: 'log', file: 'test/fixtures/greet.cjs', line: 4, format, condition });

  beforeEach(() => {
    sink = new RecordingSink();
    engine = new ProbeEngine(sink, { hotPatch: 'at-once', roots: [AGENT_ROOT] });
    engine.start();
  });
  afterEach(async () => {
    engine.stop();
    await engine.whenIdle();
  });

  it('refuses an expression nested deeper than the limit, naming it, instead of a breakpoint that never logs', async () => {
    engine.upsert(spec('deep', `{${'!'.repeat(4000)}name}`));
    await engine.whenIdle();
    greet('aa');
    assert.deepEqual(sink.lastState('deep'), {
      id: 'deep',
      state: 'error',
      code: 'invalid-expression',
      reason: 'format: the expression nests more than 100 levels deep at column 102: write it with fewer nested parts; nothing was installed',
    });
    assert.deepEqual(sink.textsOf('deep'), []);
  });

  it('reports a condition that always throws as an error, with one line saying so', async () => {
    engine.upsert(spec('throws', 'x', 'nowhere.ready'));
    await engine.whenIdle();
    for (let i = 0; i < 3; i++) greet('aa');
    const reason = 'the condition could not be evaluated: <nowhere is not defined>; no line is logged while it fails';
    assert.deepEqual(sink.textsOf('throws'), [`[sonde] ${reason}`]);
    assert.deepEqual(sink.lastState('throws'), { id: 'throws', state: 'error', code: 'invalid-expression', reason });
  });

  it('says active again once a condition that threw lets a hit through', async () => {
    engine.upsert(spec('sometimes', 'items={cart.items.length}', 'cart.items.length > 0'));
    await engine.whenIdle();
    greet('aa');
    assert.equal(sink.lastState('sometimes')!.state, 'error');
    assert.match(sink.lastState('sometimes')!.reason, /^the condition could not be evaluated: <TypeError: Cannot read properties of undefined/);
    greet('bb', { items: [1] });
    assert.equal(sink.lastState('sometimes')!.state, 'active');
    assert.match(sink.lastState('sometimes')!.reason, /^hot-patched /);
    assert.equal(sink.textsOf('sometimes').at(-1), 'items=1');
  });

  it('times one hit in 64 (from the 64th) into the slot\'s cost meter', () => {
    const runtime = installRuntime();
    const cost = { costNs: 0, costSamples: 0 };
    let lines = 0;
    const slot = runtime.allocate({ literals: ['v=', ''], admit: () => true, line: () => void lines++, failed: () => {} }, cost);
    const hook = (globalThis as unknown as Record<string, { hit(slot: number, values: unknown[]): void }>)[HOOK_GLOBAL]!;
    for (let i = 0; i < 63; i++) hook.hit(slot, [i]);
    assert.equal(cost.costSamples, 0, 'the first 63 hits are not timed');
    for (let i = 0; i < 65; i++) hook.hit(slot, [i]);
    assert.deepEqual([lines, cost.costSamples], [128, 2]);
    assert.ok(cost.costNs > 0 && Number.isFinite(cost.costNs), String(cost.costNs));
    runtime.release(slot);
  });

  it('says so when formatting a line throws (a stack overflow, say) instead of swallowing it', () => {
    const failures: [string, string][] = [];
    const runtime = installRuntime();
    const slot = runtime.allocate({
      literals: ['', ''],
      admit: () => true,
      line: () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
      failed: (reason, during) => failures.push([reason, during]),
    });
    try {
      const hook = (globalThis as unknown as Record<string, { hit(slot: number, values: unknown[]): void }>)[HOOK_GLOBAL]!;
      assert.doesNotThrow(() => hook.hit(slot, [1]));
      assert.deepEqual(failures, [['<RangeError: Maximum call stack size exceeded>', 'line']]);
    } finally {
      runtime.release(slot);
    }
  });

  it('drops a probe whose breakpoint condition V8 cannot compile, saying why, instead of reporting it active', async () => {
    const client = new InspectorClient();
    client.connect();
    const urls = new Map<string, string>();
    client.on('Debugger.scriptParsed', (m) => urls.set(urlToPath(m.params.url) ?? '', m.params.scriptId));
    await client.post('Debugger.enable');
    const path = join(FIXTURES, 'greet.cjs');
    const outcomes: string[] = [];
    const patcher = await ScriptPatcher.open<PatchTarget>(
      {
        client,
        listener: {
          active: (_p, how, code) => outcomes.push(`active ${code}: ${how}`),
          failed: (_p, reason, code) => outcomes.push(`failed ${code}: ${reason}`),
          waiting: (_p, reason) => outcomes.push(`waiting: ${reason}`),
        },
        schedule: (task) => void task(),
        pause: async () => undefined,
        blockedFunction: () => undefined,
        policy: new LiveEditPolicy('at-once'),
        runtime: installRuntime,
      },
      { scriptId: urls.get(path)!, url: path, path, isModule: false },
    );
    try {
      // Code no compiler of ours would produce: V8 refuses the patch, and the breakpoint would never log.
      patcher.stage({ line: 4, slot: 9999, compiled: { values: ['(('], condition: undefined } });
      await patcher.apply();
      assert.equal(outcomes.length, 1, outcomes.join('\n'));
      assert.match(outcomes[0]!, /^failed runtime-refused: V8 cannot compile the probe's code \(SyntaxError: .*\), so it could never log at .*greet\.cjs:4; this is a Sonde bug/);
      assert.equal(greet('cc'), 'hello cc');
    } finally {
      await patcher.close();
      client.disconnect();
    }
  });
});
