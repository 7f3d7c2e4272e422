// The example HTTP service (examples/node-service) under load, as a user
// runs it: the gateway and `sonde lsp` from the CLI, the service as a child
// process with and without the agent. Three parts:
//   1. autocannon against the service: no agent, the agent idle, the agent
//      with one log at the hot line; rounds alternate so drift hits all alike;
//   2. add-log through the language server to the first line in the editor
//      (sonde/log), while a request arrives every 5 ms; each log is kept
//      1.5 s under that load, then removed;
//   3. the service's worst request latency while those probes go in and out,
//      against the same stretch of time with no change.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { editorInitializeParams, LspClient } from '@sonde/lsp-server/testing';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SONDE = join(ROOT, 'clients', 'cli', 'bin', 'sonde.js');
const SERVICE_DIR = join(ROOT, 'examples', 'node-service');
const SERVER = join(SERVICE_DIR, 'server.js');
const HOT_LINE = readFileSync(SERVER, 'utf8').split('\n').findIndex((l) => l.includes("return 'Hello: ' + name")); // 0-based
const LOAD_SECONDS = Number(process.env.SONDE_BENCH_LOAD_SECONDS ?? 5);
const ROUNDS = Number(process.env.SONDE_BENCH_ROUNDS ?? 4);
const CYCLES = Number(process.env.SONDE_BENCH_CYCLES ?? 10);
const HOLD_MS = 1500;
const GAP_MS = 300;

function startProc(args, env, ready) {
  const child = spawn(process.execPath, args, { cwd: SERVICE_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start: ${out}`)), 20_000);
    const on = (d) => {
      out += d;
      const m = out.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m, stop: () => new Promise((r) => (child.once('exit', r), child.kill())) });
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
  });
}

const startService = async (gatewayUrl, withAgent, extraEnv = {}) => {
  const args = withAgent ? ['--import', '@sonde/agent-node/register', SERVER] : [SERVER];
  const env = { PORT: '0', SONDE_GATEWAY_URL: withAgent ? gatewayUrl : '', SONDE_APP_NAME: 'bench', ...extraEnv };
  const p = await startProc(args, env, withAgent ? /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*sonde agent: connected to|sonde agent: connected to[\s\S]*listening on (http:\/\/127\.0\.0\.1:\d+)/ : /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return { ...p, url: p.match[1] ?? p.match[2] };
};

async function cannon(url) {
  const r = await autocannon({ url: `${url}/bench`, connections: 10, duration: LOAD_SECONDS });
  return { rps: r.requests.average, p99: r.latency.p99 };
}

/** One GET; resolves with its latency in ms. */
function get(url) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(`${url}/zz`, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t0));
    });
    req.on('error', () => resolve(NaN));
    req.end();
  });
}

/** A request every 5 ms until stopped; each latency lands in the current bucket. */
function steadyLoad(url) {
  const buckets = { current: [] };
  const timer = setInterval(() => get(url).then((ms) => buckets.current.push(ms)), 5);
  return { buckets, stop: () => clearInterval(timer) };
}

const quantile = (xs, q) => {
  const s = [...xs].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

export async function underLoad() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sonde-bench-gw-'));
  const gateway = await startProc([SONDE, 'gateway', '--insecure-dev', '--port', '0', '--data', dataDir], {}, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const gatewayUrl = gateway.match[1];
  const results = {};
  try {
    // 1. Throughput and p99, alternating configurations.
    const configs = { 'no agent': [], 'agent, no action': [], 'agent, one log at the hot line': [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of Object.keys(configs)) {
        const service = await startService(gatewayUrl, name !== 'no agent');
        let lsp;
        try {
          if (name.includes('one log')) {
            lsp = await startLsp(gatewayUrl);
            await addAndWaitFirstLine(lsp, service.url);
          }
          await cannon(service.url); // warm-up, not counted
          configs[name].push(await cannon(service.url));
        } finally {
          await lsp?.stop();
          await service.stop();
        }
      }
    }
    console.log(`\nexamples/node-service under autocannon (10 connections, ${LOAD_SECONDS} s, ${ROUNDS} alternating rounds; the log's quota pauses it after its burst, as in production)\n`);
    console.log('| configuration | requests/s (each round) | p99 ms (each round) |');
    console.log('|---|---:|---:|');
    for (const [name, runs] of Object.entries(configs)) console.log(`| ${name} | ${runs.map((r) => Math.round(r.rps)).join(', ')} | ${runs.map((r) => r.p99).join(', ')} |`);
    // Each round against the no-agent run of the same round, then the median over rounds: drift of the machine cancels.
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const base = configs['no agent'];
    const baseMean = base.reduce((n, r) => n + r.rps, 0) / base.length;
    const spread = Math.max(...base.map((r) => Math.abs(r.rps - baseMean) / baseMean));
    const vsBase = (runs) => median(runs.map((r, i) => (r.rps - base[i].rps) / base[i].rps));
    results.http = Object.fromEntries(Object.entries(configs).map(([k, runs]) => [k, { rps: runs.map((r) => Math.round(r.rps)), p99Ms: runs.map((r) => r.p99), vsNoAgentPct: Math.round(vsBase(runs) * 1000) / 10 }]));
    results.http.noAgentRunToRunPct = Math.round(spread * 1000) / 10;
    console.log(`\nagainst no agent, median over rounds of each round's ratio: agent idle ${results.http['agent, no action'].vsNoAgentPct} %, one log ${results.http['agent, one log at the hot line'].vsNoAgentPct} % (no agent varies ${results.http.noAgentRunToRunPct} % run to run)`);

    // 2 and 3. Add-log to first line, and the worst request while probes come and go: the default, and breakpoints only.
    results.adaptive = await addsAndRemoves(gatewayUrl, {}, 'default (breakpoint first, moved into the source once the hit rate pays for it)');
    results.breakpointsOnly = await addsAndRemoves(gatewayUrl, { SONDE_HOT_PATCH: 'never' }, 'SONDE_HOT_PATCH=never (breakpoints only)');
  } finally {
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

async function addsAndRemoves(gatewayUrl, env, title) {
  const service = await startService(gatewayUrl, true, env);
  const lsp = await startLsp(gatewayUrl);
  const load = steadyLoad(service.url);
  try {
    await new Promise((r) => setTimeout(r, 1000)); // settle
    load.buckets.current = [];
    await new Promise((r) => setTimeout(r, CYCLES * (HOLD_MS + GAP_MS)));
    const quiet = load.buckets.current;
    load.buckets.current = [];
    const firstLine = [];
    for (let i = 0; i < CYCLES; i++) firstLine.push(await addAndWaitFirstLine(lsp, service.url, i, true));
    const changing = load.buckets.current;
    const row = (what, xs) => `| ${what} | ${quantile(xs, 0.5).toFixed(1)} ms | ${quantile(xs, 0.99).toFixed(1)} ms | ${Math.max(...xs).toFixed(1)} ms |`;
    console.log(`\n${title}: ${CYCLES} logs added through sonde lsp, each kept ${HOLD_MS / 1000} s under a request every 5 ms, then removed\n`);
    console.log('| measure | p50 | p99 | max |');
    console.log('|---|---:|---:|---:|');
    console.log(row('add-log to its first line in the editor', firstLine));
    console.log(row(`request latency, no change (${quiet.length} requests)`, quiet));
    console.log(row(`request latency, logs added and removed (${changing.length} requests)`, changing));
    return {
      addToFirstLineMs: { p50: quantile(firstLine, 0.5), p99: quantile(firstLine, 0.99), max: Math.max(...firstLine) },
      requestMs: { noChange: { p99: quantile(quiet, 0.99), max: Math.max(...quiet) }, whileChanging: { p99: quantile(changing, 0.99), max: Math.max(...changing) } },
    };
  } finally {
    load.stop();
    await lsp.stop();
    await service.stop();
  }
}

const uri = pathToFileURL(SERVER).href;

async function startLsp(gatewayUrl) {
  const lsp = LspClient.start({ args: [SONDE, 'lsp', '--stdio'], name: 'sonde lsp' });
  await lsp.initialize(editorInitializeParams(SERVICE_DIR, { gatewayUrl }));
  await lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text: readFileSync(SERVER, 'utf8') } });
  // Subscribed: the one client of this gateway at a time.
  for (const deadline = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 50))) {
    const { clients } = await (await fetch(`${gatewayUrl}/health`)).json();
    if (clients >= 1) return lsp;
    if (Date.now() > deadline) throw new Error('sonde lsp did not subscribe to the gateway within 20 s');
  }
}

/** ms from the add-log command to its first line in the editor (requests keep coming; one is sent too); removes it when `remove`. */
async function addAndWaitFirstLine(lsp, url, n = 0, remove = false) {
  const mark = lsp.notifications.length;
  const tag = `bench${n}-${Date.now()}`;
  const t0 = performance.now();
  const { actionId } = await lsp.request('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri, line: HOT_LINE, format: `${tag} {name}` }] });
  const replied = performance.now() - t0;
  const poke = setInterval(() => get(url), 5);
  try {
    await lsp.waitFor((x) => x.method === 'sonde/log' && String(x.params.text).includes(tag), 'the first line', mark);
  } finally {
    clearInterval(poke);
  }
  const ms = performance.now() - t0;
  if (process.env.SONDE_BENCH_TRACE) console.log(`add-log ${n}: command answered after ${replied.toFixed(1)} ms, first line after ${ms.toFixed(1)} ms`);
  if (remove) {
    // The probe lives a while under the 5 ms load (long enough for the agent to move it into the source if it would), then goes.
    await new Promise((r) => setTimeout(r, HOLD_MS));
    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  return ms;
}
