import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ProbeEngine, type ProbeSpec } from '../../src/probes/index.js';
import { AGENT_ROOT, FIXTURES, RecordingSink } from './helpers.js';

const require = createRequire(import.meta.url);
const run = promisify(execFile);

interface Greet {
  greet(name: string, cart?: { items: unknown[] }): string;
  stackLine(tag: string): string;
  classify(n: number): string;
}

const FILE_GREET = 'test/fixtures/greet.cjs';

function spec(id: string, line: number, format: string, condition = '', file = FILE_GREET): ProbeSpec {
  return { id, kind: 'log', file, line, format, condition };
}

describe('probes/ProbeEngine (real inspector, real scripts)', function () {
  this.timeout(20_000);
  let sink: RecordingSink;
  let manager: ProbeEngine;
  const fixture = () => require(join(FIXTURES, 'greet.cjs')) as Greet;

  beforeEach(() => {
    sink = new RecordingSink();
    manager = new ProbeEngine(sink, { hotPatch: 'at-once', roots: [AGENT_ROOT] });
    manager.start();
  });

  afterEach(async () => {
    manager.stop();
    await manager.whenIdle();
  });

  async function install(s: ProbeSpec): Promise<void> {
    manager.upsert(s);
    await manager.whenIdle();
  }

  it('logs a formatted line per call', async () => {
    const { greet } = fixture();
    await install(spec('a', 4, 'name={name}'));
    assert.match(sink.lastState('a')!.reason, /^hot-patched .*greet\.cjs:4$/);
    assert.equal(greet('aa'), 'hello aa');
    assert.deepEqual(sink.textsOf('a'), ['name=aa']);
    assert.equal(manager.hits().get('a'), 1);
  });

  it('pauses a probe over its log quota, keeps counting hits, and resumes by itself', async () => {
    manager.stop();
    await manager.whenIdle();
    manager = new ProbeEngine(sink, { hotPatch: 'at-once', roots: [AGENT_ROOT], quota: { perProbePerSecond: 1000, perProbeBurst: 10 } });
    manager.start();
    const { greet } = fixture();
    await install(spec('q', 4, 'name={name}'));
    for (let i = 0; i < 1000; i++) greet('aa');
    assert.equal(manager.hits().get('q'), 1000, 'every hit counted');
    const logged = sink.textsOf('q').length;
    assert.ok(logged >= 10 && logged < 1000, `logged ${logged} of 1000 lines`);
    assert.equal(sink.lastState('q')!.state, 'paused');
    assert.equal(sink.lastState('q')!.reason, 'Logpoint is paused due to high call rate until log quota is restored');
    // The budget refills at one line a millisecond: call until it lets a line through again.
    for (let i = 0; i < 200 && sink.lastState('q')!.state === 'paused'; i++) {
      await new Promise((r) => setTimeout(r, 5));
      greet('bb');
    }
    assert.equal(sink.lastState('q')!.state, 'active');
    assert.match(sink.lastState('q')!.reason, /^hot-patched/);
    assert.equal(sink.textsOf('q').at(-1), 'name=bb');
  });

  it('logs nothing and counts nothing while the condition is false', async () => {
    const { greet } = fixture();
    await install(spec('c', 4, 'name={name}', 'name === "bb"'));
    greet('aa');
    assert.deepEqual(sink.textsOf('c'), []);
    assert.equal(manager.hits().get('c'), 0);
    greet('bb');
    assert.deepEqual(sink.textsOf('c'), ['name=bb']);
    assert.equal(manager.hits().get('c'), 1);
  });

  it('removes without a trace: no more lines, same source, same stack lines', async () => {
    const { greet, stackLine } = fixture();
    const originalSource = greet.toString();
    const stackBefore = stackLine('x');
    await install(spec('r', 4, 'name={name}'));
    await install(spec('s', 10, 'tag={tag}', '', 'test/fixtures/greet.cjs'));
    assert.equal(stackLine('x'), stackBefore, 'a probe moved a line in a stack trace');
    assert.notEqual(greet.toString(), originalSource);
    greet('aa');
    manager.remove('r');
    manager.remove('s');
    await manager.whenIdle();
    assert.equal(greet('bb'), 'hello bb');
    assert.equal(stackLine('y'), stackBefore.replace(/^x/, 'y'));
    assert.deepEqual(sink.textsOf('r'), ['name=aa']);
    assert.deepEqual(sink.textsOf('s'), ['tag=x']);
    assert.equal(greet.toString(), originalSource);
    assert.equal(manager.hits().has('r'), false);
  });

  it('keeps an unbraced if body inside its branch', async () => {
    const { classify } = fixture();
    await install(spec('if', 16, 'big {n}'));
    assert.equal(classify(3), 'small');
    assert.equal(classify(30), 'big');
    assert.deepEqual(sink.textsOf('if'), ['big 30']);
  });

  it('gives <x is not defined> for an unknown identifier and the host call returns normally', async () => {
    const { greet } = fixture();
    await install(spec('u', 4, 'name={name} x={nowhere}'));
    assert.equal(greet('aa'), 'hello aa');
    assert.deepEqual(sink.textsOf('u'), ['name=aa x=<nowhere is not defined>']);
  });

  it('never throws into the host when an expression or the condition throws', async () => {
    const { greet } = fixture();
    await install(spec('t', 5, 'n={cart.items.length}'));
    await install(spec('tc', 5, 'never', 'cart.items.length > 0'));
    assert.equal(greet('aa'), 'hello aa');
    assert.equal(greet('bb'), 'hello bb');
    assert.deepEqual(sink.textsOf('t'), [
      "n=<TypeError: Cannot read properties of undefined (reading 'items')>",
      "n=<TypeError: Cannot read properties of undefined (reading 'items')>",
    ]);
    const condition = sink.textsOf('tc');
    assert.equal(condition.length, 1, 'the failing condition is reported once');
    assert.match(condition[0]!, /condition could not be evaluated: <TypeError: Cannot read properties of undefined/);
    assert.equal(manager.hits().get('tc'), 0);
  });

  it('refuses an unsafe expression before installing anything', async () => {
    const { greet } = fixture();
    const before = greet.toString();
    await install(spec('bad', 4, 'x={cart.clear()}'));
    await install(spec('badc', 4, 'x', 'name = "z"'));
    await install(spec('badf', 4, 'x={'));
    assert.equal(sink.lastState('bad')!.state, 'error');
    assert.match(sink.lastState('bad')!.reason, /format: function call at column 4 is refused/);
    assert.match(sink.lastState('badc')!.reason, /condition: assignment \(=\) at column 1 is refused/);
    assert.match(sink.lastState('badf')!.reason, /format: unclosed { at column 3/);
    assert.equal(greet.toString(), before);
  });

  it('serves a line where no statement starts with a breakpoint', async () => {
    const { summary } = fixture() as Greet & { summary(items: number[]): string };
    await install(spec('cont', 22, 'n={items.length}'));
    assert.equal(sink.lastState('cont')!.state, 'active');
    assert.match(sink.lastState('cont')!.reason, /^breakpoint at .*greet\.cjs:22 \(no statement starts at line 22; a breakpoint serves it/);
    assert.equal(summary([4, 5]), '2/2');
    assert.deepEqual(sink.textsOf('cont'), ['n=2']);
  });

  it('says when a line has no code at all', async () => {
    fixture();
    await install(spec('blank', 19, 'x'));
    await install(spec('brace', 7, 'x'));
    for (const [id, line] of [['blank', 19], ['brace', 7]] as const) {
      assert.equal(sink.lastState(id)!.state, 'error');
      assert.match(sink.lastState(id)!.reason, new RegExp(`no code at line ${line} of .*greet\\.cjs`));
    }
  });

  it('answers for top-level code of an ES module, which V8 cannot patch', async () => {
    await import(pathToFileURL(join(FIXTURES, 'shop.mjs')).href);
    await install(spec('top', 6, 'x', '', 'test/fixtures/shop.mjs'));
    assert.match(sink.lastState('top')!.reason, /^breakpoint at .*shop\.mjs:6 \(V8 cannot hot-patch the top-level code of an ES module/);
  });

  it('stays inert, never throwing, in code running in another vm realm', async () => {
    const vm = await import('node:vm');
    const file = join(FIXTURES, 'realm.cjs');
    const source = (await import('node:fs')).readFileSync(file, 'utf8');
    const context = vm.createContext({});
    const realmFn = new vm.Script(source, { filename: file }).runInContext(context) as (n: number) => number;
    await install(spec('realm', 3, 'n={n}', '', 'test/fixtures/realm.cjs'));
    assert.equal(sink.lastState('realm')!.state, 'active');
    assert.equal(realmFn(2), 4);
    assert.deepEqual(sink.textsOf('realm'), []);
  });

  it("finds the running script again after another session's edits left V8 copies behind", async () => {
    const { greet } = fixture();
    // Another engine edits the script (each edit leaves a Script with the same url), then stops.
    const first = new ProbeEngine(new RecordingSink(), { roots: [AGENT_ROOT] });
    first.start();
    first.upsert(spec('first', 4, 'first'));
    await first.whenIdle();
    first.stop();
    await first.whenIdle();
    // A later engine sees those copies replayed and must still patch the script that runs.
    const later = new ProbeEngine(sink, { hotPatch: 'at-once', roots: [AGENT_ROOT] });
    later.start();
    try {
      later.upsert(spec('later', 4, 'later {name}'));
      await later.whenIdle();
      greet('aa');
      assert.deepEqual(sink.textsOf('later'), ['later aa']);
    } finally {
      later.stop();
      await later.whenIdle();
    }
  });

  it('works in a handler closure inside http.createServer, over loopback', async () => {
    const { start } = require(join(FIXTURES, 'http-service.cjs')) as { start(): Promise<import('node:http').Server> };
    const server = await start();
    try {
      await install(spec('h', 7, 'user={user} url={req.url}', '', 'test/fixtures/http-service.cjs'));
      const port = (server.address() as { port: number }).port;
      const body = await (await fetch(`http://127.0.0.1:${port}/cart?id=3`, { headers: { 'x-user': 'ada' } })).text();
      assert.equal(body, 'hi ada at /cart?id=3');
      assert.deepEqual(sink.textsOf('h'), ['user=ada url=/cart?id=3']);
    } finally {
      server.close();
    }
  });

  it('logs from one-line handlers written at top level, not from the registration that already ran', async () => {
    const { routes, twice } = require(join(FIXTURES, 'one-liners.cjs')) as { routes: ((r: { name: string }) => string)[]; twice(x: number): number };
    await install(spec('arrow', 4, 'name={req.name}', '', 'test/fixtures/one-liners.cjs'));
    await install(spec('fn', 5, 'x={x}', '', 'test/fixtures/one-liners.cjs'));
    assert.match(sink.lastState('arrow')!.reason, /^breakpoint at .*one-liners\.cjs:4 \(V8 does not hot-patch an arrow function whose body is an expression\)/);
    assert.match(sink.lastState('fn')!.reason, /^hot-patched/);
    assert.equal(routes[0]!({ name: 'ada' }), 'Hello ada');
    assert.equal(twice(21), 42);
    assert.deepEqual(sink.textsOf('arrow'), ['name=ada']);
    assert.deepEqual(sink.textsOf('fn'), ['x=21']);
  });

  describe('through source maps', () => {
    const MAPPED = join(FIXTURES, 'mapped', 'lib');

    it('puts a probe set on a TypeScript line in the compiled script, on the line its map says', async () => {
      const { greet } = require(join(MAPPED, 'greeter.js')) as { greet(p: { name: string; visits: number }): string };
      await install(spec('ts', 12, 'visits={visits} name={person.name}', '', 'fixtures/mapped/src/greeter.ts'));
      assert.match(sink.lastState('ts')!.reason, /^hot-patched .*mapped\/lib\/greeter\.js:6 \(.*mapped\/src\/greeter\.ts:12 by its source map\)$/);
      assert.equal(greet({ name: 'ada', visits: 2 }), 'Hello ada, visit 3');
      assert.deepEqual(sink.textsOf('ts'), ['visits=3 name=ada']);
      assert.match(manager.query('mapped/src/greeter.ts').loadedPath ?? '', /src\/greeter\.ts \(in .*lib\/greeter\.js, by its source map\)/);
    });

    it('reads an inline source map', async () => {
      const { area } = require(join(MAPPED, 'inline.js')) as { area(w: number, h: number): number };
      await install(spec('inline', 6, 'result={result}', '', 'mapped/src/inline.ts'));
      assert.equal(area(2, 3), 6);
      assert.deepEqual(sink.textsOf('inline'), ['result=6']);
    });

    it('says so when a TypeScript line has no code in the compiled script', async () => {
      require(join(MAPPED, 'greeter.js'));
      await install(spec('type', 4, 'x', '', 'mapped/src/greeter.ts'));
      assert.equal(sink.lastState('type')!.state, 'error');
      assert.match(sink.lastState('type')!.reason, /line 4 of .*greeter\.ts has no code in .*greeter\.js/);
    });

    it('waits for the compiled script of a TypeScript file, then installs through its map', async () => {
      await install(spec('late', 5, 'id={id}', '', 'test/fixtures/mapped/src/late.ts'));
      assert.equal(sink.lastState('late')!.state, 'pending');
      const { label } = require(join(MAPPED, 'late.js')) as { label(id: number): string };
      await new Promise((r) => setImmediate(r));
      await manager.whenIdle();
      assert.match(sink.lastState('late')!.reason, /^hot-patched .*late\.js:\d+ \(.*late\.ts:5 by its source map\)$/);
      assert.equal(label(7), '#7');
      assert.deepEqual(sink.textsOf('late'), ['id=7']);
    });
  });

  it('works in an ES module', async () => {
    const { total } = (await import(pathToFileURL(join(FIXTURES, 'shop.mjs')).href)) as { total(c: { items: number[] }): number };
    await install(spec('esm', 4, 'sum={sum} first={cart.items[0]}', '', 'test/fixtures/shop.mjs'));
    assert.match(sink.lastState('esm')!.reason, /^hot-patched/);
    assert.equal(total({ items: [1, 2, 3] }), 6);
    assert.deepEqual(sink.textsOf('esm'), ['sum=6 first=1']);
  });

  it('is pending until the file loads, then active', async () => {
    await install(spec('later', 4, 'x={x}', '', 'test/fixtures/later.mjs'));
    assert.equal(sink.lastState('later')!.state, 'pending');
    assert.match(sink.lastState('later')!.reason, /later\.mjs is not loaded yet/);
    const { double } = (await import(pathToFileURL(join(FIXTURES, 'later.mjs')).href)) as { double(x: number): number };
    await sink.untilState('later', 'active');
    assert.equal(double(21), 42);
    assert.deepEqual(sink.textsOf('later'), ['x=21']);
  });

  it('binds a pending probe to the script that runs when a file is compiled twice', async () => {
    await install(spec('twice', 5, 'x={x}', '', 'test/fixtures/untyped/imported.js'));
    assert.equal(sink.lastState('twice')!.state, 'pending');
    const url = pathToFileURL(join(FIXTURES, 'untyped', 'imported.js')).href;
    const mod = (await import(url)) as { default: { triple(x: number): number } };
    await sink.untilState('twice', 'active');
    assert.equal(mod.default.triple(2), 6);
    assert.deepEqual(sink.textsOf('twice'), ['x=2']);
  });

  it('reports a file it cannot find, naming the roots searched', async () => {
    await install(spec('nf', 1, 'x', '', 'src/does-not-exist.js'));
    const s = sink.lastState('nf')!;
    assert.equal(s.state, 'error');
    assert.ok(s.reason.includes('src/does-not-exist.js') && s.reason.includes(AGENT_ROOT), s.reason);
  });

  it('reports a line past the end of the file, with its length', async () => {
    require(join(FIXTURES, 'twins', 'a', 'same.cjs'));
    await install(spec('eof', 999, 'x', '', 'twins/a/same.cjs'));
    const s = sink.lastState('eof')!;
    assert.equal(s.state, 'error');
    assert.match(s.reason, /line 999 is past the end of .*same\.cjs \(\d+ lines\)/);
  });

  it('counts the lines of a file that ends in a newline as an editor does, and refuses the line after the last', async () => {
    fixture();
    await install(spec('last', 26, 'x', '', FILE_GREET));
    assert.equal(sink.lastState('last')!.code, 'line-out-of-range');
    assert.match(sink.lastState('last')!.reason, /^line 26 is past the end of .*greet\.cjs \(25 lines\)/);
  });

  it('reports an ambiguous path with its candidates', async () => {
    require(join(FIXTURES, 'twins', 'a', 'same.cjs'));
    require(join(FIXTURES, 'twins', 'b', 'same.cjs'));
    await install(spec('amb', 3, 'x', '', 'same.cjs'));
    const s = sink.lastState('amb')!;
    assert.equal(s.state, 'error');
    assert.match(s.reason, /matches several files equally well: .*twins\/a\/same\.cjs, .*twins\/b\/same\.cjs; give more of the path/);
    await install(spec('one', 3, 'x', '', 'twins/b/same.cjs'));
    assert.equal(sink.lastState('one')!.state, 'active');
  });

  it('answers file queries: loaded, on disk, ambiguous, unknown', async () => {
    require(join(FIXTURES, 'twins', 'a', 'same.cjs'));
    require(join(FIXTURES, 'twins', 'b', 'same.cjs'));
    fixture();
    await manager.whenIdle();
    assert.deepEqual(manager.query('test/fixtures/greet.cjs'), { loadedPath: join(FIXTURES, 'greet.cjs') });
    assert.deepEqual(manager.query('test/fixtures/never-loaded.cjs'), { existingPath: join(FIXTURES, 'never-loaded.cjs') });
    assert.equal(manager.query('same.cjs').candidates?.length, 2);
    assert.deepEqual(manager.query('nothing/here.js'), {});
    assert.ok(manager.loadedFiles().includes(join(FIXTURES, 'greet.cjs')));
    assert.ok(!manager.loadedFiles().some((p) => p.includes(`${join('dist', 'src', 'probes')}`)), 'the agent offered its own code');
  });

  it('reports loaded files in batches, never while a module loads', async () => {
    fixture();
    await sink.until(() => sink.files.includes(join(FIXTURES, 'greet.cjs')));
    const late = join(FIXTURES, 'loaded-late.cjs');
    const before = sink.files.length;
    require(late);
    assert.equal(sink.files.length, before, 'filesLoaded was called during require()');
    await sink.until(() => sink.files.includes(late));
    assert.ok(!sink.files.includes(join(FIXTURES, 'never-loaded.cjs')));
  });

  it('replaces the whole set with setAll', async () => {
    const { greet } = fixture();
    await install(spec('keep', 4, 'keep {name}'));
    await install(spec('drop', 4, 'drop {name}'));
    manager.setAll([spec('keep', 4, 'keep {name}'), spec('new', 5, 'new {name}')]);
    await manager.whenIdle();
    greet('aa');
    assert.deepEqual(sink.textsOf('keep'), ['keep aa']);
    assert.deepEqual(sink.textsOf('drop'), []);
    assert.deepEqual(sink.textsOf('new'), ['new aa']);
    assert.deepEqual([...manager.hits().keys()].sort(), ['keep', 'new']);
  });

  it('stop() restores every script', async () => {
    const { greet } = fixture();
    const before = greet.toString();
    await install(spec('z', 4, 'z'));
    manager.stop();
    await manager.whenIdle();
    assert.equal(greet.toString(), before);
    greet('aa');
    assert.deepEqual(sink.textsOf('z'), []);
  });

  it('serves a probe in a suspended async function by a breakpoint, then upgrades it to a patch', async () => {
    const driver = join(FIXTURES, 'drivers', 'blocked-upgrade.mjs');
    const { stdout } = await run(process.execPath, ['--expose-gc', driver], { timeout: 15_000 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      results: number[];
      events: { kind: string; state?: string; reason?: string; text?: string; servedBy?: string }[];
    };
    assert.deepEqual(out.results, [15, 3]);
    const states = out.events.filter((e) => e.kind === 'state').map((e) => `${e.state}: ${e.reason}`);
    assert.match(states[0]!, /^active: breakpoint at .*waiter\.cjs:4 \(function on the stack; upgraded when it returns\)$/);
    assert.match(states.at(-1)!, /^active: hot-patched .*waiter\.cjs:4$/);
    const lines = out.events.filter((e) => e.kind === 'log');
    assert.deepEqual(
      lines.map((l) => [l.text, l.servedBy!.split(' ')[0]]),
      [
        ['v=10 n=5', 'breakpoint'],
        ['v=1 n=2', 'hot-patched'],
      ],
    );
  });

  it('silences a probe removed while its function is suspended, and restores the source once V8 allows', async () => {
    const driver = join(FIXTURES, 'drivers', 'blocked-remove.mjs');
    const { stdout } = await run(process.execPath, ['--expose-gc', driver], { timeout: 15_000 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      states: string[];
      lines: string[];
      during: { result: number; stillPatched: boolean };
      restored: boolean;
      after: number;
    };
    assert.match(out.states[0]!, /^active: hot-patched .*waiter\.cjs:4$/);
    assert.deepEqual(out.during, { result: 15, stillPatched: true }, 'V8 was expected to refuse the restore while the call was suspended');
    assert.deepEqual(out.lines, [], 'a removed probe logged');
    assert.equal(out.restored, true, 'the original source never came back');
    assert.equal(out.after, 3);
  });
});
