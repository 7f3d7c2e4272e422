// The agent inside real programs, against a real gateway: loaded with no code
// change (--require, --import) or from code, reporting to the gateway, and
// harmless to its host when the gateway is missing or away.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sonde } from '@sonde/protocol';
import { hitsOf, logOf } from './event-log.js';
import { gatewayForEachTest } from './gateway-harness.js';
import { APP, type RunningApp as App } from './running-app.js';
import { Agent } from '../src/agent.js';
import { resolveConfig } from '../src/config.js';
import { ScriptRegistry } from '../src/probes/scripts.js';

const LOG = sonde.v1.ActionKind.ACTION_KIND_LOG;

describe('Node agent in a running program', () => {
  const h = gatewayForEachTest('sonde-agent-');

  async function startApp(args: string[], env: Record<string, string | undefined> = {}): Promise<{ app: App; port: number }> {
    const app = h.run(args, env);
    const port = Number((await app.waitFor(/listening (\d+)/))[1]);
    await app.waitFor(/sonde agent: connected to/);
    return { app, port };
  }

  async function addLog(file: string, line: number, format: string, extra: sonde.v1.IAction = {}): Promise<string> {
    const reply = await h.client.request({ addAction: { action: { kind: LOG, location: { file, line }, format, ...extra } } });
    assert.ok(reply.actionInfo, `add_action refused: ${reply.error?.message}`);
    const id = reply.actionInfo.action?.id ?? '';
    await h.events.waitFor((x) => x.state?.actionId === id && x.state.state === sonde.v1.ActionStateKind.ACTION_STATE_KIND_ACTIVE, 'the action to become active');
    return id;
  }

  it('loads with --require into a CommonJS service, says who it is, and sends log lines and hits', async () => {
    const { port } = await startApp(['--require', '@sonde/agent-node/register', 'service.cjs'], { SONDE_APP_NAME: 'greeter', SONDE_TAGS: 'production, eu', SONDE_AGENT_ID: 'greeter-1' });
    const agents = (await h.client.request({ listAgents: {} })).agentList?.agents ?? [];
    assert.deepEqual(
      agents.map((a) => [a.agentId, a.appName, a.tags, a.connected]),
      [['greeter-1', 'greeter', ['production', 'eu'], true]],
    );
    const id = await addLog('fixtures/app/service.cjs', 4, 'greet {name}');
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/ada`)).text(), 'Hello: ada');
    const line = (await h.events.waitFor(logOf('greet ada'), 'the log line')).log!;
    assert.equal(line.actionId, id);
    assert.equal(line.agentId, 'greeter-1');
    await h.events.waitFor(hitsOf(id, 1), 'one hit');
  });

  it('gives each state its reason code, and refuses an action it cannot run, saying why', async () => {
    await startApp(['--require', '@sonde/agent-node/register', 'service.cjs']);
    const R = sonde.v1.ReasonCode;
    const id = await addLog('service.cjs', 4, 'coded {name}');
    const active = h.events.events.find((e) => e.state?.actionId === id && e.state.state === sonde.v1.ActionStateKind.ACTION_STATE_KIND_ACTIVE)!.state!;
    // A new probe starts on a breakpoint; it moves into the source when its hit rate pays for the pause (adaptive-patching.test).
    assert.equal(active.reasonCode, R.REASON_CODE_INSTALLED_FALLBACK, active.reason ?? '');
    // A span whose ends lie in two files has no frame to pair them in: the agent refuses it, saying why.
    const reply = await h.client.request({
      addAction: { action: { kind: sonde.v1.ActionKind.ACTION_KIND_TICTOC, location: { file: 'service.cjs', line: 4 }, endLocation: { file: 'other.cjs', line: 9 } } },
    });
    const tictoc = reply.actionInfo?.action?.id ?? '';
    const refused = (await h.events.waitFor((x) => x.state?.actionId === tictoc && x.state.state === sonde.v1.ActionStateKind.ACTION_STATE_KIND_ERROR, 'the refusal')).state!;
    assert.equal(refused.reason, 'a tic-toc ends in the file where it starts: give an end line in the same file');
    assert.equal(refused.reasonCode, R.REASON_CODE_INVALID_ACTION);
  });

  it('writes lines to the app\'s own output when the action says so, and to the editor too for both', async () => {
    const { app, port } = await startApp(['--require', '@sonde/agent-node/register', 'service.cjs']);
    const D = sonde.v1.LogDestination;
    await addLog('service.cjs', 4, 'app-only {name}', { logDestination: D.LOG_DESTINATION_APP });
    await addLog('service.cjs', 4, 'both {name}', { logDestination: D.LOG_DESTINATION_BOTH, logLevel: sonde.v1.LogLevel.LOG_LEVEL_WARN });
    await addLog('service.cjs', 4, 'barrier {name}');
    await fetch(`http://127.0.0.1:${port}/ada`);
    await app.waitFor(/\[sonde info\] app-only ada/);
    await app.waitFor(/\[sonde warn\] both ada/);
    await h.events.waitFor(logOf('both ada'), 'the line meant for both');
    await h.events.waitFor(logOf('barrier ada'), 'a line from the same hit, as a barrier');
    assert.ok(!h.events.events.some(logOf('app-only')), 'a line for the app only never reaches the gateway');
  });

  it('sends a value holding a lone surrogate as U+FFFD, and the other lines of the same flush with it', async () => {
    const { port } = await startApp(['--require', '@sonde/agent-node/register', 'json-echo.cjs']);
    const bad = await addLog('json-echo.cjs', 4, 'bad {value}');
    const good = await addLog('json-echo.cjs', 4, 'good {typeof value}');
    // A JSON body with half an emoji, as a client that cut a string may send.
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/${encodeURIComponent('"a\\ud83d b"')}`)).text(), 'got string');
    const goodLine = (await h.events.waitFor(logOf('good string'), 'the other probe\'s line')).log!;
    const badLine = (await h.events.waitFor(logOf('bad a'), 'the line with the lone surrogate')).log!;
    assert.equal(goodLine.actionId, good);
    assert.equal(badLine.actionId, bad);
    assert.equal(badLine.text, 'bad a\ufffd b');
  });

  it('writes one line per hit into the app\'s output whatever the value holds: control characters escaped, the editor\'s copy as it was', async () => {
    const { app, port } = await startApp(['--require', '@sonde/agent-node/register', 'json-echo.cjs']);
    await addLog('json-echo.cjs', 4, 'value={value}', { logDestination: sonde.v1.LogDestination.LOG_DESTINATION_BOTH });
    const forged = 'x\n[sonde info] value=forged\r\u001b[2K\u001b[31mred\u0085\u2028end';
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/${encodeURIComponent(JSON.stringify(forged))}`)).text(), 'got string');
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/${encodeURIComponent('"plain"')}`)).text(), 'got string');
    await app.waitFor(/\[sonde info\] value=plain\n/);
    const lines = app.out().split('\n').filter((l) => l.includes('value='));
    assert.deepEqual(lines, ['[sonde info] value=x\\n[sonde info] value=forged\\r\\x1b[2K\\x1b[31mred\\x85\\u2028end', '[sonde info] value=plain']);
    assert.equal((await h.events.waitFor(logOf('value=x'), 'the editor\'s copy')).log!.text, `value=${forged}`);
  });

  it('logs from inside third-party code: a published package, and a TypeScript package through its source maps', async () => {
    const { port } = await startApp(['--require', '@sonde/agent-node/register', 'third-party.cjs']);
    const requireFromApp = createRequire(join(APP, 'third-party.cjs'));
    const lineOf = (file: string, needle: string) => {
      const at = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));
      assert.ok(at >= 0, `${needle} not found in ${file}`);
      return at + 1;
    };
    const acornFile = requireFromApp.resolve('acorn'); // its CommonJS entry, dist/acorn.js
    const codecDir = dirname(dirname(requireFromApp.resolve('@jridgewell/sourcemap-codec')));
    const codecSource = join(codecDir, 'src', 'sourcemap-codec.ts');
    const acornId = await addLog('node_modules/acorn/dist/acorn.js', lineOf(acornFile, 'return Parser.tokenizer(input, options)'), 'tokenize {input}');
    const codecId = await addLog('node_modules/@jridgewell/sourcemap-codec/src/sourcemap-codec.ts', lineOf(codecSource, 'const { length } = mappings;'), 'decode {mappings}');
    const states = h.events.events.filter((e) => e.state?.state === sonde.v1.ActionStateKind.ACTION_STATE_KIND_ACTIVE);
    assert.match(states.find((e) => e.state?.actionId === codecId)?.state?.reason ?? '', /sourcemap-codec\.ts:\d+ by its source map/);
    assert.ok(states.some((e) => e.state?.actionId === acornId));
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/AAAA%3BAACA`)).text(), '{"tokens":3,"mappings":[[[0,0,0,0]],[[0,0,1,0]]]}');
    await h.events.waitFor(logOf('tokenize AAAA;AACA'), "the line from acorn's source");
    await h.events.waitFor(logOf('decode AAAA;AACA'), "the line from the package's TypeScript source");
  });

  it('starts from code in an ES module with start(options)', async () => {
    const { app, port } = await startApp(['from-code.mjs'], { GATEWAY: h.gateway.url, SONDE_GATEWAY_URL: undefined });
    assert.match(app.out(), /agent \S+/);
    const agents = (await h.client.request({ listAgents: {} })).agentList?.agents ?? [];
    assert.deepEqual(agents.map((a) => [a.appName, a.tags]), [['coded', ['from-code']]]);
    await addLog('app/from-code.mjs', 8, 'path={path}');
    await fetch(`http://127.0.0.1:${port}/x?y=1`);
    await h.events.waitFor(logOf('path=/x?y=1'), 'the log line');
  });

  it('keeps what happens while the gateway is away and delivers it when the gateway is back', async () => {
    const { port } = await startApp(['--require', '@sonde/agent-node/register', 'service.cjs']);
    const id = await addLog('service.cjs', 4, 'away {name}');
    const gatewayPort = h.gateway.port;
    h.client.close();
    await h.gateway.close();
    for (const name of ['one', 'two']) assert.equal(await (await fetch(`http://127.0.0.1:${port}/${name}`)).text(), `Hello: ${name}`);
    await h.restart(gatewayPort);
    await h.events.waitFor(logOf('away one'), 'the line logged while the gateway was away');
    await h.events.waitFor(logOf('away two'), 'the second line logged while away');
    await h.events.waitFor(hitsOf(id, 2), 'the hits made while away');
  });

  it('does not keep a program running that would end by itself', async () => {
    const app = h.run(['--require', '@sonde/agent-node/register', 'short-lived.cjs']);
    assert.equal(await app.exited, 0);
    assert.match(app.out(), /done/);
  });

  it('leaves the program working when the gateway is unreachable, and says so on stderr', async () => {
    const app = h.run(['--require', '@sonde/agent-node/register', 'service.cjs'], { SONDE_GATEWAY_URL: 'http://127.0.0.1:9' });
    const port = Number((await app.waitFor(/listening (\d+)/))[1]);
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/bo`)).text(), 'Hello: bo');
    await app.waitFor(/sonde agent: gateway http:\/\/127\.0\.0\.1:9 unreachable .*retrying/);
  });

  it('stays idle, saying why, without SONDE_GATEWAY_URL or with a bad one', async () => {
    for (const url of [undefined, 'not a url']) {
      const app = h.run(['--require', '@sonde/agent-node/register', 'service.cjs'], { SONDE_GATEWAY_URL: url });
      const port = Number((await app.waitFor(/listening (\d+)/))[1]);
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/zz`)).text(), 'Hello: zz');
      await app.waitFor(url ? /is not an http\(s\) or ws\(s\) URL; the agent stays idle/ : /SONDE_GATEWAY_URL is not set; the agent stays idle/);
    }
  });

  it('probes a worker thread through its own agent, and a line in an async loop started at boot that never returns', async () => {
    const { port } = await startApp(['--require', '@sonde/agent-node/register', 'threads.cjs'], { SONDE_AGENT_ID: 'svc' });
    let agents: string[] = [];
    while (agents.length < 2) {
      agents = ((await h.client.request({ listAgents: {} })).agentList?.agents ?? []).map((a) => a.agentId ?? '').sort();
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(agents, ['svc', 'svc-thread1']);
    await addLog('fixtures/app/thread-job.cjs', 4, 'shout {text}');
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/abc`)).text(), 'ABC after ticks');
    const line = (await h.events.waitFor(logOf('shout abc'), 'the line from the worker')).log!;
    assert.equal(line.agentId, 'svc-thread1');
    const info = (await h.client.request({ listActions: {} })).actionList?.actions?.find((a) => a.action?.location?.file === 'fixtures/app/thread-job.cjs');
    assert.deepEqual(info?.states?.map((s) => s.agentId), ['svc-thread1'], 'the main thread, which never loads the file, is not sent it (the lens settles)');
    await addLog('fixtures/app/threads.cjs', 9, 'tick {ticks}');
    await h.events.waitFor(logOf('tick '), 'a line from the loop started at boot');
  });

  it('applies a policy set at the gateway on the live agent: the next line and snapshot show [redacted], a blocklisted file refuses a new probe', async () => {
    const { port } = await startApp(['--require', '@sonde/agent-node/register', 'service.cjs']);
    const get = async (name: string) => (await fetch(`http://127.0.0.1:${port}/${name}`)).text();
    await addLog('service.cjs', 4, 'greet {name}');
    await get('ada');
    await h.events.waitFor(logOf('greet ada'), 'the line before the policy');
    const set = await h.client.request({ setPolicy: { policy: { redactNames: ['name'] } } });
    assert.deepEqual(set.policy?.redactNames, ['name'], set.error?.message ?? '');
    // The push and the requests travel on different sockets: ask until a line shows the policy applied.
    const redacted = h.events.waitFor(logOf('greet [redacted]'), 'the line after the policy');
    let applied = false;
    void redacted.then(() => (applied = true));
    while (!applied) {
      await get('bob');
      await new Promise((r) => setTimeout(r, 20));
    }
    const snap = await h.client.request({ addAction: { action: { kind: sonde.v1.ActionKind.ACTION_KIND_SNAPSHOT, location: { file: 'service.cjs', line: 4 } } } });
    const snapId = snap.actionInfo?.action?.id ?? '';
    await h.events.waitFor((x) => x.state?.actionId === snapId && x.state.state === sonde.v1.ActionStateKind.ACTION_STATE_KIND_ACTIVE, 'the snapshot to become active');
    await get('carol');
    const taken = (await h.events.waitFor((x) => x.snapshot?.actionId === snapId, 'the snapshot')).snapshot!;
    const local = taken.frames?.[0]?.locals?.find((v) => v.name === 'name');
    assert.equal(local?.value, '[redacted]');
    assert.ok(!h.events.events.some(logOf('carol')), 'the secret never left the agent');

    // The gateway pushes the policy before the next action on the same socket: no wait needed.
    await h.client.request({ setPolicy: { policy: { blockedFiles: ['**/service.cjs'] } } });
    const reply = await h.client.request({ addAction: { action: { kind: LOG, location: { file: 'service.cjs', line: 4 }, format: 'blocked {name}' } } });
    const blocked = reply.actionInfo?.action?.id ?? '';
    const state = (await h.events.waitFor((x) => x.state?.actionId === blocked && x.state.state === sonde.v1.ActionStateKind.ACTION_STATE_KIND_ERROR, 'the refusal')).state!;
    assert.equal(state.reasonCode, sonde.v1.ReasonCode.REASON_CODE_BLOCKED);
    assert.match(state.reason ?? '', /service\.cjs is blocklisted by the policy \(\*\*\/service\.cjs\); no probe goes in it/);
  });

  it('sends the first state and line after a quiet period at once, not a flush interval later', async () => {
    const require = createRequire(import.meta.url);
    const { greet } = require(join(APP, '..', 'greet.cjs')) as { greet(n: string): string };
    // An hour between flushes: whatever arrives came through the quiet-period path alone.
    const logs: string[] = [];
    const agent = new Agent(resolveConfig({ gatewayUrl: h.gateway.url, agentId: 'quiet', roots: [join(APP, '..')] }), (m) => logs.push(m), { flushIntervalMs: 3_600_000 });
    agent.start();
    try {
      while (!logs.some((m) => m.startsWith('connected to'))) await new Promise((r) => setTimeout(r, 20));
      await addLog('greet.cjs', 4, 'greeted {name}');
      greet('first');
      await h.events.waitFor(logOf('greeted first'), 'the first line');
    } finally {
      agent.stop();
    }
  });

  it("sends a new action's first line at once even while another action keeps the agent busy", async () => {
    const require = createRequire(import.meta.url);
    const { greet } = require(join(APP, '..', 'greet.cjs')) as { greet(n: string): string };
    const logs: string[] = [];
    // An hour between flushes, and busy for an hour after any line: only the first-line rule sends anything.
    const agent = new Agent(resolveConfig({ gatewayUrl: h.gateway.url, agentId: 'busy', roots: [join(APP, '..')] }), (m) => logs.push(m), { flushIntervalMs: 3_600_000, quietMs: 3_600_000 });
    agent.start();
    try {
      while (!logs.some((m) => m.startsWith('connected to'))) await new Promise((r) => setTimeout(r, 20));
      await addLog('greet.cjs', 4, 'one {name}');
      greet('a');
      await h.events.waitFor(logOf('one a'), "the first action's first line");
      greet('b'); // held: the agent is busy now
      await addLog('greet.cjs', 5, 'two {name}');
      greet('c');
      await h.events.waitFor(logOf('two c'), "the second action's first line");
    } finally {
      agent.stop();
    }
  });

  it('answers a file query it failed to look up with an INTERNAL error, which the gateway names, rather than "not under its roots"', async () => {
    // An agent in this process, so that its look-up can be made to fail.
    const logs: string[] = [];
    const agent = new Agent(resolveConfig({ gatewayUrl: h.gateway.url, agentId: 'in-test', roots: [APP] }), (m) => logs.push(m));
    const paths = Object.getOwnPropertyDescriptor(ScriptRegistry.prototype, 'paths')!;
    agent.start();
    try {
      while (!logs.some((m) => m.startsWith('connected to'))) await new Promise((r) => setTimeout(r, 20));
      ScriptRegistry.prototype.paths = () => {
        throw new Error('the registry broke');
      };
      const reply = await h.client.request({ addAction: { action: { kind: LOG, location: { file: 'service.cjs', line: 4 }, format: 'x' } } });
      assert.equal(reply.error?.code, sonde.v1.ErrorCode.ERROR_CODE_NOT_FOUND);
      assert.match(reply.error?.message ?? '', /in-test: error: the agent failed to look up service\.cjs: the registry broke/);
    } finally {
      Object.defineProperty(ScriptRegistry.prototype, 'paths', paths);
      agent.stop();
    }
  });
});
