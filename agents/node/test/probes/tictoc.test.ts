// Tic-toc: the time between two lines, or of a whole function, aggregated in
// the agent like a metric (ms). Two lines work on breakpoints and hot patches
// alike; the function form wraps the body, so every return, await and throw
// ends its own call's span, even when calls overlap.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HotPatchMode, TicTocProbeSpec } from '../../src/probes/index.js';
import { AGENT_ROOT, engineForEachTest, FIXTURES } from './helpers.js';

const require = createRequire(import.meta.url);
const FILE = 'test/fixtures/timed.cjs';
const timed = require(join(FIXTURES, 'timed.cjs')) as { busy(ms: number): number; fetchLike(ms: number): Promise<number>; early(flag: boolean): string };
const spec = (id: string, line: number, endLine: number, more: Partial<TicTocProbeSpec> = {}): TicTocProbeSpec => ({ id, kind: 'tictoc', file: FILE, line, endLine, condition: '', name: '', ...more });

for (const hotPatch of ['at-once', 'never', 'adaptive'] as HotPatchMode[]) {
  describe(`probes/ProbeEngine tic-toc (hot patch ${hotPatch})`, function () {
    this.timeout(20_000);
    const t = engineForEachTest({ roots: [AGENT_ROOT], metricIntervalMs: 100, hotPatch });
    const samples = (id: string) => t.sink.metrics.filter((m) => m.id === id && m.count > 0);
    const counted = (id: string) => samples(id).reduce((n, m) => n + m.count, 0);

    async function install(s: TicTocProbeSpec): Promise<void> {
      t.engine.upsert(s);
      await t.engine.whenIdle();
      assert.equal(t.sink.lastState(s.id)?.state, 'active', t.sink.lastState(s.id)?.reason);
    }

    it('times the span between two lines, in ms, named for the file and lines', async () => {
      await install(spec('two', 3, 6));
      for (const ms of [5, 10, 15]) timed.busy(ms);
      await t.sink.until(() => counted('two') === 3);
      const all = samples('two');
      assert.equal(all[0]!.name, `${FILE}:3-6`);
      const min = Math.min(...all.map((s) => s.min));
      const max = Math.max(...all.map((s) => s.max));
      // busy(ms) spins until Date.now() has moved on ms, so a span is at least ms - 1 (Date.now counts whole ms); no upper bound: machines pause.
      assert.ok(min >= 4, `shortest span ${min} ms, expected at least 4`);
      assert.ok(max >= 14, `longest span ${max} ms, expected at least 14`);
    });

    it('with the editor\'s file two lines shorter at the top, moves the end line by as many lines as the start', async () => {
      // The editor's lines 1 and 4 are the running lines 3 and 6: unmoved, the end would be line 4, right after the start.
      await install(spec('moved', 1, 4, { editorLine: { text: 'const end = Date.now() + ms;', before: ['function busy(ms) {'], after: ['let n = 0;'] } }));
      assert.match(t.sink.lastState('moved')!.reason, /^placed at running line 3 \(your line 1\): the running code differs; /);
      timed.busy(20);
      await t.sink.until(() => counted('moved') === 1);
      // busy(20) spins at least 20 ms between lines 3 and 6 (a lower bound only: the clock cannot run short).
      assert.ok(samples('moved')[0]!.min >= 19, `span ${samples('moved')[0]!.min} ms: the end did not move to line 6`);
    });

    it('counts only the spans whose start met the condition', async () => {
      await install(spec('cond', 3, 6, { condition: 'ms > 1' }));
      for (const ms of [1, 2, 1, 3]) timed.busy(ms);
      await t.sink.until(() => counted('cond') === 2);
      await new Promise((r) => setTimeout(r, 250));
      assert.equal(counted('cond'), 2);
    });

    if (hotPatch !== 'never') {
      it('times a whole async function per call, overlapping calls each with their own span', async () => {
        await install(spec('fn', 8, 0, { name: 'fetchLike' }));
        assert.match(t.sink.lastState('fn')!.reason, /^hot-patched .*timed\.cjs:8/);
        await Promise.all([timed.fetchLike(30), timed.fetchLike(120)]);
        await t.sink.until(() => counted('fn') === 2);
        const all = samples('fn');
        assert.equal(all[0]!.name, 'fetchLike');
        const min = Math.min(...all.map((s) => s.min));
        const max = Math.max(...all.map((s) => s.max));
        assert.ok(min >= 29, `the short call took ${min} ms, expected at least 30`);
        assert.ok(max >= 119, `the long call took ${max} ms, expected at least 120`);
      });

      it('ends the function span at every return, and restores the function when removed', async () => {
        const before = timed.early.toString();
        await install(spec('ret', 12, 0));
        assert.equal(timed.early(true), 'early');
        assert.equal(timed.early(false), 'late');
        await t.sink.until(() => counted('ret') === 2);
        assert.equal(samples('ret')[0]!.name, `${FILE}:12 (function)`);
        t.engine.remove('ret');
        await t.engine.whenIdle();
        timed.early(true);
        await new Promise((r) => setTimeout(r, 250));
        assert.equal(counted('ret'), 2, 'nothing timed after removal');
        if (hotPatch === 'at-once') assert.equal(timed.early.toString(), before);
      });
    } else {
      it('says the function form needs the source patched when live edits are off', async () => {
        t.engine.upsert(spec('fn', 8, 0));
        await t.engine.whenIdle();
        const s = t.sink.lastState('fn')!;
        assert.equal(s.state, 'error');
        assert.match(s.reason, /^timing a whole function needs a live edit .*SONDE_HOT_PATCH=never.*give an end line/);
      });
    }

    it("times two lines of an ES module's function", async () => {
      const esm = (await import(pathToFileURL(join(FIXTURES, 'timed-esm.mjs')).href)) as { work(ms: number): number };
      await install({ ...spec('esm', 3, 5), file: 'test/fixtures/timed-esm.mjs' });
      for (const ms of [2, 2]) esm.work(ms);
      await t.sink.until(() => counted('esm') === 2);
    });

    it('refuses an end before the start, a function form with no function, and an end line with no code', async () => {
      t.engine.upsert(spec('back', 6, 3));
      assert.equal(t.sink.lastState('back')!.reason, 'the end line (3) must come after the start line (6); to time a function, give its first line and no end');
      t.engine.upsert(spec('nofn', 4, 0));
      t.engine.upsert(spec('blank', 3, 16));
      await t.engine.whenIdle();
      assert.match(t.sink.lastState('nofn')!.reason, /no function with statements in its body starts at line 4/);
      assert.equal(t.sink.lastState('blank')!.state, 'error');
      assert.match(t.sink.lastState('blank')!.reason, /^the end line: .*line 16/);
    });
  });
}
