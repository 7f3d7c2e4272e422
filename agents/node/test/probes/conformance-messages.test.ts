// Runs protocol/conformance/messages.json against this agent's probe engine:
// each case's id names a driver here that brings a real ProbeEngine to that
// state (or line) and says what it filled each placeholder with; the text
// the engine gave must be the template with those values in, and the state
// and reason code must be the case's.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUPPORTED_KINDS } from '../../src/probes/kinds/index.js';
import { ProbeEngine, type AnySpec, type ProbeEngineOptions, type LogProbeSpec, type ProbeSpec, type ProbeStateKind, type ReasonCode, type TicTocProbeSpec } from '../../src/probes/index.js';
import { InspectorClient } from '../../src/probes/inspector-client.js';
import { Placer } from '../../src/probes/placement.js';
import { ScriptRegistry } from '../../src/probes/scripts.js';
import { casesFor, type CaseBase } from './conformance-data.js';
import { AGENT_ROOT, FIXTURES, RecordingSink, type StateEvent } from './helpers.js';

const require = createRequire(import.meta.url);

interface MessageCase extends CaseBase {
  id: string;
  as?: 'line';
  state?: ProbeStateKind;
  code?: ReasonCode;
  template: string;
  /** Placeholders whose text is the runtime's own (an error's message): any text but none. */
  free?: string[];
}

/** What a driver saw: the state (or the line) and the values it gave each placeholder that is not free. */
interface Observed {
  state?: ProbeStateKind;
  code?: ReasonCode;
  text: string;
  params: Record<string, string>;
}

const cases = casesFor<MessageCase>('messages.json');

/** The app the drivers probe. No final newline: "N lines" then means the same to every editor and runtime. */
const APP = ["'use strict';", '// Conformance fixture: line numbers matter.', 'function hit(n) {', '  return n + 1;', '}', '', 'module.exports = { hit };'];
const APP_NAME = 'conformance-app.cjs';
const STATEMENT_LINE = 4;
const BLANK_LINE = 6;

let dir = '';
let appPath = '';
let app: { hit(n: number): number };

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function spec(id: string, fields: Partial<LogProbeSpec> = {}): LogProbeSpec {
  return { id, kind: 'log', file: APP_NAME, line: STATEMENT_LINE, format: 'n={n}', condition: '', ...fields };
}

function tictoc(id: string, endLine: number): TicTocProbeSpec {
  return { id, kind: 'tictoc', file: APP_NAME, line: STATEMENT_LINE, endLine, condition: '', name: '' };
}

async function withEngine<T>(options: ProbeEngineOptions, run: (engine: ProbeEngine, sink: RecordingSink) => Promise<T>, sink = new RecordingSink()): Promise<T> {
  const engine = new ProbeEngine(sink, { hotPatch: 'at-once', roots: [dir], log: () => {}, ...options });
  engine.start();
  try {
    return await run(engine, sink);
  } finally {
    engine.stop();
    await engine.whenIdle();
  }
}

async function stateOf(engine: ProbeEngine, sink: RecordingSink, s: AnySpec): Promise<StateEvent> {
  engine.upsert(s);
  await engine.whenIdle();
  const last = sink.lastState(String(s?.id));
  assert.ok(last, `no state for ${String(s?.id)}`);
  return last;
}

function seen(s: StateEvent, params: Record<string, string> = {}): Observed {
  return { state: s.state, code: s.code, text: s.reason, params };
}

/** The state a spec gets from an engine with these options. */
function stateFor(s: AnySpec, params: Record<string, string> = {}, options: ProbeEngineOptions = {}): Promise<Observed> {
  return withEngine(options, async (engine, sink) => seen(await stateOf(engine, sink, s), params));
}

/** Replaces a prototype's method while `run` runs. */
async function replacing<T extends object, R>(proto: T, key: keyof T & string, replacement: unknown, run: () => Promise<R>): Promise<R> {
  const original = Object.getOwnPropertyDescriptor(proto, key)!;
  Object.defineProperty(proto, key, { ...original, value: replacement });
  try {
    return await run();
  } finally {
    Object.defineProperty(proto, key, original);
  }
}

class ThrowingSink extends RecordingSink {
  override event(): void {
    throw new Error('the sink is down');
  }
}

const drivers: Record<string, () => Promise<Observed>> = {
  'quota-paused-snapshot': () =>
    withEngine({}, async (engine, sink) => {
      const snap: AnySpec = { id: 'snapq', kind: 'snapshot', file: APP_NAME, line: STATEMENT_LINE, condition: '', expressions: [], hitLimit: 100 };
      await stateOf(engine, sink, snap);
      for (let i = 0; i < 100; i++) app.hit(i);
      const paused = sink.states.find((s) => s.id === 'snapq' && s.state === 'paused');
      assert.ok(paused, 'never paused');
      return seen(paused);
    }),
  'blocked-file': () =>
    withEngine({}, async (engine, sink) => {
      engine.setPolicy({ blockedFiles: ['conformance-*.cjs'] });
      return seen(await stateOf(engine, sink, spec('blocked')), { file: APP_NAME, glob: 'conformance-*.cjs' });
    }),
  'quota-paused': () =>
    withEngine({ quota: { perProbePerSecond: 1000, perProbeBurst: 10 } }, async (engine, sink) => {
      await stateOf(engine, sink, spec('quota'));
      for (let i = 0; i < 100; i++) app.hit(i);
      const paused = sink.states.find((s) => s.id === 'quota' && s.state === 'paused');
      assert.ok(paused, 'never paused');
      return seen(paused);
    }),

  'probe-limit': () =>
    withEngine({ maxProbes: 1 }, async (engine, sink) => {
      assert.equal((await stateOf(engine, sink, spec('first'))).state, 'active');
      return seen(await stateOf(engine, sink, spec('second', { format: 'second {n}' })), { held: '1' });
    }),

  'line-out-of-range': () => stateFor(spec('eof', { line: 99 }), { line: '99', path: appPath, lines: String(APP.length) }),

  'no-code-at-line': () => stateFor(spec('blank', { line: BLANK_LINE }), { line: String(BLANK_LINE), path: appPath }),

  'no-code-at-line-mapped': () => {
    require(join(FIXTURES, 'mapped', 'lib', 'greeter.js'));
    const params = { line: '4', source: join(FIXTURES, 'mapped', 'src', 'greeter.ts'), scripts: join(FIXTURES, 'mapped', 'lib', 'greeter.js') };
    return stateFor(spec('type-only', { file: 'mapped/src/greeter.ts', line: 4 }), params, { roots: [AGENT_ROOT] });
  },

  'file-not-loaded': () => stateFor(spec('later', { file: 'conformance-later.cjs', line: 1 }), { path: join(dir, 'conformance-later.cjs') }),

  'file-not-found': () => {
    const roots = [join(dir, 'a'), join(dir, 'b')];
    return stateFor(spec('nowhere', { file: 'src/conformance-nowhere.js' }), { file: 'src/conformance-nowhere.js', roots: roots.join(', ') }, { roots });
  },

  'ambiguous-path': () => {
    const twins = ['a', 'b'].map((d) => join(dir, d, 'conformance-twin.cjs'));
    for (const t of twins) require(t);
    return stateFor(spec('twins', { file: 'conformance-twin.cjs', line: 1 }), { file: 'conformance-twin.cjs', candidates: twins.join(', ') });
  },

  'ambiguous-path-many': () => {
    const many = Array.from({ length: 12 }, (_, i) => join(dir, 'many', `d${String(i).padStart(2, '0')}`, 'conformance-many.cjs'));
    for (const m of many) require(m);
    return stateFor(spec('many', { file: 'conformance-many.cjs', line: 1 }), { file: 'conformance-many.cjs', candidates: `${many.slice(0, 10).join(', ')} and 2 more` });
  },

  'unsupported-kind': () =>
    stateFor(
      { id: 'flame', kind: 'ACTION_KIND_FLAMEGRAPH', file: APP_NAME, line: STATEMENT_LINE, condition: '' },
      { kind: 'ACTION_KIND_FLAMEGRAPH', agent: 'the conformance agent', kinds: SUPPORTED_KINDS },
      { agentName: 'the conformance agent' },
    ),

  'agent-stopped': () =>
    withEngine({}, async (engine, sink) => {
      engine.stop();
      return seen(await stateOf(engine, sink, spec('late')));
    }),

  'agent-not-started': async () => {
    const sink = new RecordingSink();
    const idle = new ProbeEngine(sink, { roots: [dir], log: () => {} });
    idle.upsert(spec('early'));
    const s = sink.lastState('early');
    assert.ok(s, 'no state');
    return seen(s);
  },

  'agent-start-failed': () =>
    replacing(
      InspectorClient.prototype,
      'connect',
      () => {
        throw new Error('no inspector in this process');
      },
      () => stateFor(spec('no-inspector'), { error: 'no inspector in this process' }),
    ),

  'no-file': () => stateFor(spec('no-file', { file: '' })),

  'not-a-line': () => stateFor(spec('line-0', { line: 0 }), { line: '0' }),

  'log-fields-not-text': () => stateFor({ ...spec('format-number'), format: 3 as unknown as string } as LogProbeSpec),

  'tictoc-end-before-start': () => stateFor(tictoc('back', 2), { end: '2', line: String(STATEMENT_LINE) }),

  // The wire gives an end in another file as endLine -1 (wire.ts).
  'tictoc-across-files': () => stateFor(tictoc('across', -1)),

  'tictoc-no-function': () => stateFor(tictoc('no-function', 0), { line: String(STATEMENT_LINE) }),

  'tictoc-end-no-code': () => stateFor(tictoc('end-blank', BLANK_LINE), { line: String(BLANK_LINE), path: appPath }),

  'condition-invalid': () => stateFor(spec('two', { condition: 'a b' }), { error: 'unexpected text at column 3: a probe takes one expression' }),

  'condition-unsafe': () => stateFor(spec('assigns', { condition: 'n = 1' }), { error: 'assignment (=) at column 1 is refused: it would change program state' }),

  'format-invalid': () => stateFor(spec('unclosed', { format: 'n={n' }), { error: 'unclosed { at column 3: close it with } or write {{ for a literal brace' }),

  'format-unsafe': () =>
    stateFor(spec('calls', { format: 'x={f()}' }), { error: 'function call at column 4 is refused: a probe never runs program code (read a property or variable instead)' }),

  'condition-failing': () =>
    withEngine({}, async (engine, sink) => {
      await stateOf(engine, sink, spec('throws', { condition: 'missing.x' }));
      app.hit(1);
      return seen(sink.lastState('throws')!);
    }),

  'condition-failing-line': () =>
    withEngine({}, async (engine, sink) => {
      await stateOf(engine, sink, spec('throws', { condition: 'missing.x' }));
      app.hit(1);
      const lines = sink.textsOf('throws');
      assert.equal(lines.length, 1, `lines: ${JSON.stringify(lines)}`);
      return { text: lines[0]!, params: {} };
    }),

  'line-failing': () =>
    withEngine(
      {},
      async (engine, sink) => {
        await stateOf(engine, sink, spec('sink-down'));
        app.hit(1);
        return seen(sink.lastState('sink-down')!);
      },
      new ThrowingSink(),
    ),

  'internal-upsert': () => stateFor(null as unknown as AnySpec),

  'internal-place': () =>
    withEngine({}, (engine, sink) =>
      replacing(
        ScriptRegistry.prototype,
        'paths',
        () => {
          throw new Error('the script registry is broken');
        },
        async () => seen(await stateOf(engine, sink, spec('broken-registry')), { error: 'the script registry is broken' }),
      ),
    ),

  'internal-load': () =>
    withEngine({}, async (engine, sink) => {
      const path = join(dir, 'conformance-loads-later.cjs');
      assert.equal((await stateOf(engine, sink, spec('waits', { file: 'conformance-loads-later.cjs', line: 1 }))).state, 'pending');
      const broken = async () => {
        throw new Error('the patcher is broken');
      };
      return replacing(Placer.prototype, 'install', broken, async () => {
        require(path);
        const s = await sink.untilState('waits', 'error');
        await engine.whenIdle();
        return seen(s, { path, error: 'the patcher is broken' });
      });
    }),
};

const PLACEHOLDER = /\{([a-z]+)\}/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Checks the text against the template: each placeholder the driver's value, or any text for a free one. */
function assertFits(c: MessageCase, o: Observed): void {
  const named = [...c.template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const free = c.free ?? [];
  for (const f of free) assert.ok(named.includes(f), `free placeholder {${f}} is not in the template`);
  for (const p of Object.keys(o.params)) assert.ok(named.includes(p), `the driver filled {${p}}, which the template does not have`);
  let pattern = '';
  let at = 0;
  for (const m of c.template.matchAll(PLACEHOLDER)) {
    pattern += escapeRegExp(c.template.slice(at, m.index));
    const name = m[1]!;
    if (free.includes(name)) pattern += '.+';
    else {
      const value = o.params[name];
      assert.ok(value !== undefined, `the driver did not fill {${name}}`);
      pattern += escapeRegExp(value);
    }
    at = m.index! + m[0].length;
  }
  pattern += escapeRegExp(c.template.slice(at));
  assert.match(o.text, new RegExp(`^${pattern}$`, 's'), `template ${JSON.stringify(c.template)} with ${JSON.stringify(o.params)}`);
}

describe('conformance: messages.json', function () {
  this.timeout(20_000);

  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'sonde-conformance-')));
    appPath = write(join(dir, APP_NAME), APP.join('\n'));
    write(join(dir, 'conformance-later.cjs'), "'use strict';\nexports.later = 1;");
    write(join(dir, 'conformance-loads-later.cjs'), "'use strict';\nexports.loaded = 1;");
    for (const d of ['a', 'b']) write(join(dir, d, 'conformance-twin.cjs'), `exports.twin = ${JSON.stringify(d)};`);
    for (let i = 0; i < 12; i++) write(join(dir, 'many', `d${String(i).padStart(2, '0')}`, 'conformance-many.cjs'), `exports.n = ${i};`);
    app = require(appPath) as typeof app;
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has cases', () => assert.ok(cases.length > 0));

  it('has a case for every driver, and ids are unique', () => {
    const ids = cases.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, 'an id is used twice');
    assert.deepEqual(Object.keys(drivers).filter((id) => !ids.includes(id)), []);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const driver = drivers[c.id];
      assert.ok(driver, `no driver for ${c.id}`);
      const o = await driver();
      if (c.as === 'line') assert.equal(o.state, undefined, 'a line, not a state');
      else assert.deepEqual([o.state, o.code], [c.state, c.code], o.text);
      assertFits(c, o);
    });
  }
});
