// 5,000 actions arriving at once, in the hello reply, at an agent inside a
// running HTTP service: the service keeps answering while the probes go in,
// every action gets a state, and the agent stays connected. Prints the
// slowest request during installation and how long until every state came.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '@sonde/agent-gateway';
import { sonde, type Envelope } from '@sonde/protocol';
import { ProtocolPeer } from '@sonde/rpc/testing';
import { FIXTURES, runApp, type RunningApp } from './running-app.js';

const LOG = sonde.v1.ActionKind.ACTION_KIND_LOG;
const { ActionStateKind, ReasonCode } = sonde.v1;
const SERVICE = 'test/fixtures/app/busy-service.cjs';
const LEDGER = 'test/fixtures/app/busy-ledger.cjs';
/** Lines with a statement in each fixture, and how many actions go on each. */
const SERVICE_LINES = { first: 10, last: 169, perLine: 25 };
const LEDGER_LINES = { first: 4, last: 103, perLine: 10 };

interface Planned {
  file: string;
  line: number;
  format: string;
  condition: string;
}

/** 4,000 actions on the service (25 a line), 1,000 on the ledger (10 a line); each line's fire only for its own request. */
function plan(): Planned[] {
  const out: Planned[] = [];
  for (let line = SERVICE_LINES.first; line <= SERVICE_LINES.last; line++) {
    for (let j = 0; j < SERVICE_LINES.perLine; j++) out.push({ file: SERVICE, line, format: `s${line}#${j} total={total} steps={steps.length}`, condition: `name === "s${line}"` });
  }
  for (let line = LEDGER_LINES.first; line <= LEDGER_LINES.last; line++) {
    for (let j = 0; j < LEDGER_LINES.perLine; j++) out.push({ file: LEDGER, line, format: `l${line}#${j} balance={balance}`, condition: `name === "l${line}"` });
  }
  return out;
}

/** "N STATE REASON, …" over the states. */
function tally(states: Iterable<sonde.v1.IActionState>): string {
  const counts = new Map<string, number>();
  for (const s of states) {
    const key = `${sonde.v1.ActionStateKind[s.state ?? 0]} ${sonde.v1.ReasonCode[s.reasonCode ?? 0]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

describe('Node agent given 5,000 actions at once', function () {
  this.timeout(300_000);
  let dataDir: string;
  let gateway: RunningGateway;
  let client: ProtocolPeer | undefined;
  const apps: RunningApp[] = [];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sonde-many-'));
    gateway = await startGateway({ dataDir, insecureDev: true, port: 0, log: () => {} });
  });

  afterEach(async () => {
    for (const a of apps.splice(0)) {
      a.child.kill();
      await a.exited;
    }
    client?.close();
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function start(args: string[], env: Record<string, string>): RunningApp {
    const app = runApp(args, { SONDE_GATEWAY_URL: gateway.url, ...env });
    apps.push(app);
    return app;
  }

  /** Stores the actions in the gateway through an agent that can see the files but has not loaded them (so adding is quick). */
  async function store(actions: Planned[]): Promise<string[]> {
    const seeder = start(['--require', '@sonde/agent-node/register', '-e', 'setInterval(() => {}, 1000)'], { SONDE_AGENT_ID: 'seeder' });
    await seeder.waitFor(/sonde agent: connected to/);
    const peer = await ProtocolPeer.connect(gateway.url, '/v1/client');
    const ids: string[] = new Array(actions.length);
    let next = 0;
    const worker = async () => {
      while (next < actions.length) {
        const i = next++;
        const a = actions[i]!;
        const reply = await peer.request({ addAction: { action: { kind: LOG, location: { file: a.file, line: a.line }, format: a.format, condition: a.condition } } }, 30_000);
        assert.ok(reply.actionInfo?.action?.id, `add_action ${i} refused: ${reply.error?.message}`);
        ids[i] = reply.actionInfo.action.id;
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    peer.close();
    seeder.child.kill();
    await seeder.exited;
    return ids;
  }

  it('installs them while the service keeps answering, gives every action a state, and stays connected', async () => {
    const planned = plan();
    assert.equal(planned.length, 5000);
    const ids = await store(planned);
    const byId = new Map(ids.map((id, i) => [id, planned[i]!]));

    // The gateway goes away; the service starts and serves under load; the gateway comes back: every action arrives at connect.
    const port = gateway.port;
    await gateway.close();
    const service = start(['--require', '@sonde/agent-node/register', 'busy-service.cjs'], { SONDE_AGENT_ID: 'busy-1' });
    const servicePort = Number((await service.waitFor(/listening (\d+)/))[1]);
    const load = runApp([join(FIXTURES, 'drivers', 'load.mjs'), `http://127.0.0.1:${servicePort}/load`], {});
    apps.push(load);
    await load.waitFor(/loading/);
    await new Promise((r) => setTimeout(r, 500));

    gateway = await startGateway({ dataDir, insecureDev: true, port, log: () => {} });
    const since = Date.now();
    const states = new Map<string, sonde.v1.IActionState>();
    const lines: sonde.v1.ILogLine[] = [];
    let allStated: () => void = () => {};
    const everyState = new Promise<void>((resolve) => (allStated = resolve));
    client = await ProtocolPeer.connect(gateway.url, '/v1/client');
    client.onFrame((e: Envelope) => {
      for (const ev of e.events?.events ?? []) {
        if (ev.state?.agentId === 'busy-1' && byId.has(ev.state.actionId ?? '')) states.set(ev.state.actionId!, ev.state);
        if (ev.log) lines.push(ev.log);
      }
      if (states.size === ids.length) allStated();
    });
    await client.request({ subscribe: {} });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`only ${states.size} of ${ids.length} actions got a state in 120 s; the service said:\n${service.out().slice(-3000)}`)), 120_000),
    );
    await Promise.race([everyState, timeout]);
    const stated = Date.now();
    const firstStates = tally(states.values());
    // The load runs every line, so the breakpoints' passes soon pay for moving each script's probes into its source.
    const patchedBy = Date.now() + 90_000;
    const patched = () => [...states.values()].every((s) => s.reasonCode === ReasonCode.REASON_CODE_INSTALLED);
    while (!patched() && Date.now() < patchedBy) await new Promise((r) => setTimeout(r, 100));
    const upgraded = Date.now();

    load.child.stdin!.write('stop\n');
    const report = JSON.parse((await load.waitFor(/\{"requests".*\}\n/))[0]) as { requests: [number, number][]; failures: number; lastError: string };
    const window = (from: number, to: number) => {
      const took = report.requests.filter(([sent, ms]) => sent + ms >= from && sent <= to).map(([, ms]) => ms);
      const sorted = took.sort((a, b) => a - b);
      return { n: sorted.length, text: `${sorted.length} requests, slowest ${sorted.at(-1)?.toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, median ${percentile(sorted, 0.5).toFixed(1)} ms` };
    };
    const installing = window(since, stated);
    console.log(
      `      5,000 actions at connect: every state after ${stated - since} ms (${installing.text}); states: ${firstStates}\n` +
        `      then into the sources by ${upgraded - since} ms (${window(stated, upgraded).text}); states: ${tally(states.values())}`,
    );

    assert.equal(report.failures, 0, `the service failed requests: ${report.lastError}`);
    assert.ok(installing.n > 0, 'no request was answered during installation');
    assert.equal(states.size, 5000, 'every action has a state from the agent');
    for (const [id, s] of states) {
      assert.equal(s.state, ActionStateKind.ACTION_STATE_KIND_ACTIVE, `${id} at ${byId.get(id)!.file}:${byId.get(id)!.line}: ${s.reason}`);
      assert.equal(s.reasonCode, ReasonCode.REASON_CODE_INSTALLED, `${id} is not hot-patched after 90 s of load: ${s.reason}`);
    }
    const agents = (await client.request({ listAgents: {} })).agentList?.agents ?? [];
    assert.deepEqual(agents.filter((a) => a.agentId === 'busy-1').map((a) => a.connected), [true]);
    assert.doesNotMatch(service.out(), /lost the gateway|reconnecting/, 'the agent was dropped by the gateway');

    // Every action on a line with several logs when the line runs.
    for (const [name, perLine] of [['s42', SERVICE_LINES.perLine], ['l17', LEDGER_LINES.perLine]] as const) {
      const body = await (await fetch(`http://127.0.0.1:${servicePort}/${name}`)).text();
      assert.match(body, new RegExp(`^${name} \\d+$`));
      const deadline = Date.now() + 10_000;
      const mine = () => new Set(lines.filter((l) => l.text?.startsWith(`${name}#`)).map((l) => l.text!.split(' ')[0]));
      while (mine().size < perLine && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual([...mine()].sort(), Array.from({ length: perLine }, (_, j) => `${name}#${j}`).sort());
    }
    assert.doesNotMatch(service.out(), /internal error/);
  });
});
