// Snapshots: the stack and the top frame's visible variables at a hit,
// captured without pausing and without running program code; watch
// expressions; the hit limit.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProbeEngine, type SnapshotEvent, type SnapshotProbeSpec, type SnapshotVariable } from '../../src/probes/index.js';
import { StatementIndex } from '../../src/probes/source-patch.js';
import { AGENT_ROOT, engineForEachTest, FIXTURES, RecordingSink } from './helpers.js';

const require = createRequire(import.meta.url);
const FILE = 'test/fixtures/snap.cjs';

function spec(id: string, line: number, extra: Partial<SnapshotProbeSpec> = {}): SnapshotProbeSpec {
  return { id, kind: 'snapshot', file: FILE, line, condition: '', expressions: [], hitLimit: 0, limits: {}, ...extra };
}

const byName = (vars: readonly SnapshotVariable[]) => new Map(vars.map((v) => [v.name, v]));

describe('probes/ProbeEngine snapshots', function () {
  this.timeout(20_000);
  const { Cart, later } = require(join(FIXTURES, 'snap.cjs')) as { Cart: new (items: number[]) => { total(d: number): number }; later(x: number): number };

  const t = engineForEachTest({ roots: [AGENT_ROOT] });

  async function install(s: SnapshotProbeSpec): Promise<void> {
    t.engine.upsert(s);
    await t.engine.whenIdle();
    assert.equal(t.sink.lastState(s.id)?.state, 'active', t.sink.lastState(s.id)?.reason);
  }

  it('captures the stack and the arguments, locals, closure variables and this the line can see, once by default', async () => {
    await install(spec('s', 9, { expressions: ['this.items.length', 'discount * 2'] }));
    const cart = new Cart([1, 2, 3]);
    assert.equal(cart.total(1), 6 * 1.2 - 1);
    assert.equal(cart.total(2), 6 * 1.2 - 2, 'the program is unchanged');
    await t.sink.until(() => t.sink.snapshots.length > 0);
    await t.sink.untilState('s', 'hit-limit');
    assert.equal(t.sink.snapshots.length, 1, 'the default hit limit is 1');
    assert.equal(t.sink.lastState('s')!.reason, 'hit limit reached: 1 snapshot taken; add the snapshot again for more');
    assert.equal(t.sink.lastState('s')!.code, 'hit-limit');
    const snap: SnapshotEvent = t.sink.snapshots[0]!.event;
    const top = snap.frames[0]!;
    assert.equal(top.function, 'Cart.total');
    assert.ok(top.file.endsWith(join('fixtures', 'snap.cjs')), top.file);
    assert.equal(top.line, 9);
    assert.ok(snap.frames.length > 1, 'the callers too');
    assert.ok(snap.frames.every((f) => !f.file.includes(join('agents', 'node', 'dist', 'src'))), 'no frame of the agent itself');
    const locals = byName(top.locals);
    assert.deepEqual([...locals.keys()].slice(0, 3), ['sum', 'taxed', 'discount'], 'innermost first: the block, then the parameters');
    assert.equal(locals.get('discount')!.value, '1');
    assert.equal(locals.get('sum')!.value, '6');
    assert.ok(locals.has('rate'), 'a closure variable the method uses');
    assert.equal(locals.has('Cart'), false, 'a module binding the method never names is out of reach of a live edit, so not read');
    const self = locals.get('this')!;
    assert.deepEqual(byName(self.children ?? []).get('owner')?.value, 'ada');
    assert.deepEqual(snap.watches.map((w) => [w.name, w.value]), [['this.items.length', '3'], ['discount * 2', '2']]);
  });

  it('takes a snapshot whose callers include a built-in (a forEach callback), which has no file', async () => {
    await install(spec('builtin', 14));
    [1].forEach((x) => later(x));
    await t.sink.until(() => t.sink.snapshots.length > 0);
    assert.equal(t.sink.lastState('builtin')!.code, 'hit-limit', t.sink.lastState('builtin')!.reason);
    const frames = t.sink.snapshots[0]!.event.frames;
    assert.equal(frames[0]!.function, 'later');
    const builtin = frames.find((f) => f.function === 'Array.forEach');
    assert.ok(builtin, JSON.stringify(frames.map((f) => f.function)));
    assert.equal(builtin.file, '<native>');
  });

  it('shows a frame of compiled TypeScript at its .ts file, line and column, through the source map', async () => {
    const { greet } = require(join(FIXTURES, 'mapped', 'lib', 'greeter.js')) as { greet(p: { name: string; visits: number }): string };
    await install({ ...spec('ts', 12), file: 'test/fixtures/mapped/src/greeter.ts' });
    greet({ name: 'Ada', visits: 1 });
    await t.sink.until(() => t.sink.snapshots.length > 0);
    const top = t.sink.snapshots[0]!.event.frames[0]!;
    assert.equal(top.file, join(FIXTURES, 'mapped', 'src', 'greeter.ts'));
    assert.deepEqual([top.function, top.line, top.column], ['greet', 12, 3]);
    assert.equal(byName(top.locals).get('visits')?.value, '2');
  });

  it('reads only what is initialised: the statement\'s own declaration is not there yet', async () => {
    await install(spec('t', 15, { hitLimit: 2 }));
    assert.equal(later(1), 6);
    await t.sink.until(() => t.sink.snapshots.length > 0);
    const locals = byName(t.sink.snapshots[0]!.event.frames[0]!.locals);
    assert.equal(locals.get('seen')?.value, '2');
    assert.equal(locals.has('notYet'), false);
    assert.equal(t.sink.lastState('t')?.state, 'active', 'one of two snapshots taken');
  });

  it('takes as many as the hit limit says, and only where the condition holds', async () => {
    t.engine.setPolicy({ quotas: { snapshot: { perProbePerSecond: 100, perProbeBurst: 100 } } }); // past the default 1 a second
    await install(spec('c', 14, { hitLimit: 3, condition: 'x > 10' }));
    for (const x of [1, 11, 2, 12, 13, 14]) later(x);
    await t.sink.untilState('c', 'hit-limit');
    assert.deepEqual(t.sink.snapshots.map((s) => byName(s.event.frames[0]!.locals).get('x')?.value), ['11', '12', '13']);
  });

  it('redacts a local the policy names, live, in the next snapshot', async () => {
    t.engine.setPolicy({ quotas: { snapshot: { perProbePerSecond: 100, perProbeBurst: 100 } } });
    await install(spec('red', 14, { hitLimit: 2 }));
    later(41);
    t.engine.setPolicy({ redactNames: ['x'], quotas: { snapshot: { perProbePerSecond: 100, perProbeBurst: 100 } } });
    later(42);
    await t.sink.untilState('red', 'hit-limit');
    assert.deepEqual(t.sink.snapshots.map((s) => byName(s.event.frames[0]!.locals).get('x')?.value), ['41', '[redacted]']);
  });

  it('captures the same from a hot-patched probe as from a breakpoint', async () => {
    t.engine.stop();
    await t.engine.whenIdle();
    t.engine = new ProbeEngine(t.sink, { roots: [AGENT_ROOT], hotPatch: 'at-once' });
    t.engine.start();
    await install(spec('hot', 9));
    assert.match(t.sink.lastState('hot')!.reason, /^hot-patched /);
    new Cart([4]).total(0);
    await t.sink.until(() => t.sink.snapshots.length > 0);
    const top = t.sink.snapshots[0]!.event.frames[0]!;
    assert.equal(top.function, 'Cart.total');
    assert.equal(top.line, 9);
    assert.equal(byName(top.locals).get('sum')?.value, '4');
  });

  it('finds the names a statement sees: destructured and default parameters, loop and catch bindings, never a later let', () => {
    const src = [
      'function f({ a, b: [c] }, d = 1, ...rest) {', // 1
      '  for (const k of rest) {', // 2
      '    try {', // 3
      '      g(k);', // 4
      '    } catch (err) {', // 5
      '      h(err);', // 6
      '    }', // 7
      '  }', // 8
      '  const late = 2;', // 9
      '  var hoisted = late;', // 10
      '}', // 11
    ].join('\n');
    const index = new StatementIndex(src, false);
    const at = (line: number) => {
      const r = index.siteAt(line);
      assert.ok(r.ok);
      return index.namesAt(r.site);
    };
    const six = at(6);
    assert.deepEqual([six.names, six.hasThis], [['err', 'k', 'a', 'c', 'd', 'rest', 'hoisted'], true]);
    assert.deepEqual([...six.unreachable], ['f'], 'f itself is outside, and f never names it');
    assert.deepEqual(at(4).names.includes('late'), false);
    assert.deepEqual(at(10).names.slice(0, 2), ['late', 'a']);
  });

  it('refuses an unsafe watch expression, saying which', async () => {
    t.engine.upsert(spec('u', 9, { expressions: ['this.items.length', 'this.items.push(1)'] }));
    await t.engine.whenIdle();
    assert.equal(t.sink.lastState('u')!.code, 'unsafe-expression');
    assert.match(t.sink.lastState('u')!.reason, /^expression 2 \(this\.items\.push\(1\)\): /);
  });
});

describe('probes/ProbeEngine, names a probe reads', function () {
  this.timeout(20_000);
  const { later } = require(join(FIXTURES, 'snap.cjs')) as { later(x: number): number };
  const { greet } = require(join(FIXTURES, 'greet.cjs')) as { greet(n: string): string };

  for (const hotPatch of ['at-once', 'never'] as const) {
    it(`reads a global through its descriptor, so a getter the program put on globalThis never runs (${hotPatch})`, async () => {
      const sink = new RecordingSink();
      const engine = new ProbeEngine(sink, { roots: [AGENT_ROOT], hotPatch });
      let ran = 0;
      Object.defineProperty(globalThis, 'sneakyGlobal', { get: () => (ran++, 'ran'), configurable: true });
      try {
        engine.start();
        engine.upsert({ id: 'g', kind: 'log', file: 'test/fixtures/greet.cjs', line: 4, condition: '', format: 'v={sneakyGlobal} pid={process.pid > 0} m={notDefinedAnywhere}' });
        await engine.whenIdle();
        greet('a');
        await sink.until(() => sink.textsOf('g').length > 0);
        assert.deepEqual(sink.textsOf('g'), ['v=[getter] pid=true m=<notDefinedAnywhere is not defined>'], 'Node\'s own global getters (process) still read');
        assert.equal(ran, 0);
      } finally {
        engine.stop();
        await engine.whenIdle();
        delete (globalThis as Record<string, unknown>)['sneakyGlobal'];
      }
    });
  }

  it('serves by a breakpoint a probe that reads an outer name the function never uses, saying why, since a patch would never run', async () => {
    const sink = new RecordingSink();
    const engine = new ProbeEngine(sink, { roots: [AGENT_ROOT], hotPatch: 'at-once' });
    try {
      engine.start();
      engine.upsert({ id: 'o', kind: 'log', file: FILE, line: 14, condition: '', format: 'x={x} cart={typeof Cart}' });
      await engine.whenIdle();
      assert.equal(sink.lastState('o')!.code, 'installed-fallback');
      assert.match(sink.lastState('o')!.reason, /it reads Cart, which the function itself never uses, and V8 cannot give patched code a variable the function did not capture/);
      later(1);
      await sink.until(() => sink.textsOf('o').length > 0);
      assert.match(sink.textsOf('o')[0]!, /^x=1 cart=/);
    } finally {
      engine.stop();
      await engine.whenIdle();
    }
  });
});

describe('probes/ProbeEngine snapshots, hot-patched', function () {
  this.timeout(20_000);
  const FILE_COLUMNS = 'test/fixtures/snap-columns.cjs';
  const { outer } = require(join(FIXTURES, 'snap-columns.cjs')) as { outer(v: number): number };
  const t = engineForEachTest({ roots: [AGENT_ROOT], hotPatch: 'at-once' });

  it('shows frames at the columns the user wrote, not counting the probe code inserted before them', async () => {
    t.engine.upsert({ ...spec('top', 4), file: FILE_COLUMNS });
    t.engine.upsert({ id: 'caller', kind: 'log', file: FILE_COLUMNS, line: 7, condition: '', format: 'v={v}' });
    await t.engine.whenIdle();
    for (const id of ['top', 'caller']) assert.match(t.sink.lastState(id)?.reason ?? '', /hot-patched/);
    assert.equal(outer(2), 5);
    await t.sink.until(() => t.sink.snapshots.length > 0);
    const [top, caller] = t.sink.snapshots[0]!.event.frames;
    const lines = readFileSync(join(FIXTURES, 'snap-columns.cjs'), 'utf8').split('\n');
    assert.deepEqual([top!.function, top!.line, top!.column], ['inner', 4, lines[3]!.indexOf('return') + 1]);
    assert.deepEqual([caller!.function, caller!.line, caller!.column], ['outer', 7, lines[6]!.indexOf('inner(v)') + 1]);
  });
});
