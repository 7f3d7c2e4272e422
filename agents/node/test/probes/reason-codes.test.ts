// Every state the engine reports carries a reason code beside its text; the
// agent sends it as sonde.v1.ReasonCode. One case per code the engine gives.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ProbeEngine, type AnySpec, type ProbeSpec, type ReasonCode } from '../../src/probes/index.js';
import { ScriptRegistry } from '../../src/probes/scripts.js';
import { AGENT_ROOT, FIXTURES, RecordingSink } from './helpers.js';

const require = createRequire(import.meta.url);

function spec(id: string, line: number, format = 'x', condition = '', file = 'test/fixtures/greet.cjs'): ProbeSpec {
  return { id, kind: 'log', file, line, format, condition };
}

describe('probes/ProbeEngine reason codes', function () {
  this.timeout(20_000);
  let sink: RecordingSink;
  let engine: ProbeEngine;

  beforeEach(() => {
    sink = new RecordingSink();
    engine = new ProbeEngine(sink, { hotPatch: 'at-once', roots: [AGENT_ROOT], log: () => {} });
    engine.start();
  });

  afterEach(async () => {
    engine.stop();
    await engine.whenIdle();
  });

  async function codeOf(s: AnySpec): Promise<ReasonCode> {
    engine.upsert(s);
    await engine.whenIdle();
    const last = sink.lastState(s.id);
    assert.ok(last, `no state for ${s.id}`);
    return last.code;
  }

  it('installed, installed-fallback', async () => {
    require(join(FIXTURES, 'greet.cjs'));
    assert.equal(await codeOf(spec('patched', 4)), 'installed');
    assert.equal(await codeOf(spec('breakpoint', 22)), 'installed-fallback', 'no statement starts at line 22');
  });

  it('file-not-loaded, file-not-found, ambiguous-path', async () => {
    require(join(FIXTURES, 'twins', 'a', 'same.cjs'));
    require(join(FIXTURES, 'twins', 'b', 'same.cjs'));
    assert.equal(await codeOf(spec('waits', 1, 'x', '', 'test/fixtures/never-loaded.cjs')), 'file-not-loaded');
    assert.equal(sink.lastState('waits')!.state, 'pending');
    assert.equal(await codeOf(spec('nowhere', 1, 'x', '', 'src/does-not-exist.js')), 'file-not-found');
    assert.equal(await codeOf(spec('twins', 3, 'x', '', 'same.cjs')), 'ambiguous-path');
  });

  it('invalid-expression for what does not parse, unsafe-expression for what is refused', async () => {
    assert.equal(await codeOf(spec('unclosed', 4, 'x={')), 'invalid-expression');
    assert.equal(await codeOf(spec('junk', 4, 'x', 'a b')), 'invalid-expression');
    assert.equal(await codeOf(spec('call', 4, 'x={cart.clear()}')), 'unsafe-expression');
    assert.equal(await codeOf(spec('assign', 4, 'x', 'name = "z"')), 'unsafe-expression');
    assert.equal(await codeOf(spec('yield', 4, '{yield 1}')), 'unsafe-expression');
    assert.match(sink.lastState('call')!.reason, /format: function call at column 4 is refused/);
  });

  it('no-code-at-line, line-out-of-range', async () => {
    require(join(FIXTURES, 'greet.cjs'));
    require(join(FIXTURES, 'mapped', 'lib', 'greeter.js'));
    assert.equal(await codeOf(spec('blank', 19)), 'no-code-at-line');
    assert.equal(await codeOf(spec('type', 4, 'x', '', 'mapped/src/greeter.ts')), 'no-code-at-line', 'a TypeScript line with no code in the compiled script');
    assert.equal(await codeOf(spec('eof', 999)), 'line-out-of-range');
  });

  it('quota while paused, installed again once resumed', async () => {
    engine.stop();
    await engine.whenIdle();
    engine = new ProbeEngine(sink, { hotPatch: 'at-once', roots: [AGENT_ROOT], quota: { perProbePerSecond: 1000, perProbeBurst: 10 } });
    engine.start();
    const { greet } = require(join(FIXTURES, 'greet.cjs')) as { greet(name: string): string };
    await codeOf(spec('q', 4, 'name={name}'));
    for (let i = 0; i < 100; i++) greet('aa');
    assert.deepEqual([sink.lastState('q')!.state, sink.lastState('q')!.code], ['paused', 'quota']);
    for (let i = 0; i < 200 && sink.lastState('q')!.state === 'paused'; i++) {
      await new Promise((r) => setTimeout(r, 5));
      greet('bb');
    }
    assert.deepEqual([sink.lastState('q')!.state, sink.lastState('q')!.code], ['active', 'installed']);
  });

  it('unsupported-kind, with the kinds this engine runs', async () => {
    const other = new ProbeEngine(sink, { hotPatch: 'at-once', roots: [AGENT_ROOT], agentName: 'the Node.js agent 9.9.9' });
    assert.equal(await codeOf({ id: 'snap', kind: 'ACTION_KIND_FLAMEGRAPH', file: 'greet.cjs', line: 4, condition: '' }), 'unsupported-kind');
    assert.equal(sink.lastState('snap')!.reason, 'ACTION_KIND_FLAMEGRAPH is not supported by the Node.js agent yet; only logs, snapshots, counters, tic-tocs and metrics are');
    other.upsert({ id: 'snap2', kind: 'ACTION_KIND_FLAMEGRAPH', file: 'greet.cjs', line: 4, condition: '' });
    assert.equal(sink.lastState('snap2')!.reason, 'ACTION_KIND_FLAMEGRAPH is not supported by the Node.js agent 9.9.9 yet; only logs, snapshots, counters, tic-tocs and metrics are', 'even before start()');
  });

  it('invalid-action for a malformed spec', async () => {
    assert.equal(await codeOf(spec('noline', 0)), 'invalid-action');
    assert.equal(await codeOf(spec('nofile', 4, 'x', '', ' ')), 'invalid-action');
    assert.equal(await codeOf({ ...spec('noformat', 4), format: 3 as unknown as string } as AnySpec), 'invalid-action');
    assert.match(sink.lastState('noformat')!.reason, /format and condition must be strings/);
  });

  it('agent-unavailable before start() and after stop()', async () => {
    const idle = new ProbeEngine(sink, { hotPatch: 'at-once', roots: [AGENT_ROOT] });
    idle.upsert(spec('early', 4));
    assert.deepEqual([sink.lastState('early')!.code, sink.lastState('early')!.reason], ['agent-unavailable', 'the probe engine was not started: call start() before upsert()']);
    engine.stop();
    assert.equal(await codeOf(spec('late', 4)), 'agent-unavailable');
  });

  it('internal-error for what the engine caught', async () => {
    engine.upsert(null as unknown as AnySpec);
    const s = sink.lastState('undefined');
    assert.ok(s, 'no state for the broken spec');
    assert.equal(s.code, 'internal-error');
    assert.match(s.reason, /^internal error while installing the probe: /);
  });

  it('answers a file query whose look-up failed with the failure, not as an unknown path', () => {
    const paths = Object.getOwnPropertyDescriptor(ScriptRegistry.prototype, 'paths')!;
    ScriptRegistry.prototype.paths = () => {
      throw new Error('the script registry is broken');
    };
    try {
      assert.deepEqual(engine.query('test/fixtures/greet.cjs'), { internalError: 'the script registry is broken' });
    } finally {
      Object.defineProperty(ScriptRegistry.prototype, 'paths', paths);
    }
    assert.equal(engine.query('nothing/here.js').internalError, undefined);
  });
});
