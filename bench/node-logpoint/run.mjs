// Per-hit cost of a two-value log probe on a 3-line function, three ways, in
// one process: no probe; Sonde's hot-patched probe (ProbeEngine); the V8
// conditional breakpoint other Node agents use (condition emits [i, x] and
// returns false). A fourth row, for reference, is the bare technique Sonde
// builds on: the source patched to call a no-op with [i, x], no formatting.
// Prints a table, then one JSON line.
//
//   npm run build && node bench/node-logpoint/run.mjs

import { Session } from 'node:inspector';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
// The agent's package exports only its entry point; the probe engine is reached by path.
import { measure, ROUNDS, warm } from '../timing.mjs';
import { ProbeEngine } from '../../agents/node/dist/src/probes/index.js';

const require = createRequire(import.meta.url);
const WORK = 'function work(i, x) {\n  const y = x * 2;\n  return y + i;\n}\nmodule.exports = { work };\n';
const PROBE_LINE = 2; // const y = x * 2;

/** Where emitted lines go: a bounded ring, so the work is real but memory stays flat. */
const RING_SIZE = 4096;
const ring = new Array(RING_SIZE);
let ringAt = 0;
const push = (text) => {
  ring[ringAt] = text;
  ringAt = (ringAt + 1) & (RING_SIZE - 1);
};

function loadCopy(dir, name) {
  const file = join(dir, `${name}.cjs`);
  writeFileSync(file, WORK);
  return { file, work: require(file).work };
}


const dir = mkdtempSync(join(tmpdir(), 'sonde-bench-'));
try {
  const baseline = loadCopy(dir, 'baseline');
  const sonde = loadCopy(dir, 'sonde');
  const breakpoint = loadCopy(dir, 'breakpoint');
  const raw = loadCopy(dir, 'raw');
  const throttled = loadCopy(dir, 'throttled');

  // (2) Sonde: a probe through the engine; every call is a hit.
  const states = [];
  let lastSondeLine = '';
  const manager = new ProbeEngine(
    {
      state: (_id, state, reason) => states.push(`${state}: ${reason}`),
      event: (_id, event) => {
        push(event.text);
        lastSondeLine = event.text;
      },
      filesLoaded: () => {},
    },
    // No quota here: every hit formats and stores its line, the full cost.
    // at-once: the steady state measured here is the hot patch, which the default reaches once the line's hit rate pays for it.
    { roots: [dir], hotPatch: 'at-once', quota: { perProbePerSecond: Infinity, perProbeBurst: Infinity, perAgentPerSecond: Infinity, perAgentBurst: Infinity } },
  );
  manager.start();
  manager.upsert({ id: 'bench', kind: 'log', file: 'sonde.cjs', line: PROBE_LINE, format: 'i={i} x={x}', condition: '' });
  await manager.whenIdle();
  if (!states.some((s) => s.startsWith('active: hot-patched'))) throw new Error(`Sonde's probe did not install: ${states.join('; ')}`);

  // (2b) Sonde with the default log quota, which a tight loop exhausts at once:
  // what a hit costs while the probe is paused (counted, not formatted).
  const throttledStates = [];
  const throttledManager = new ProbeEngine({ state: (_id, state) => throttledStates.push(state), event: (_id, event) => push(event.text), filesLoaded: () => {} }, { roots: [dir], hotPatch: 'at-once' });
  throttledManager.start();
  throttledManager.upsert({ id: 'throttled', kind: 'log', file: 'throttled.cjs', line: PROBE_LINE, format: 'i={i} x={x}', condition: '' });
  await throttledManager.whenIdle();

  // (3) The breakpoint technique, on its own session.
  const session = new Session();
  session.connect();
  globalThis.__benchEmit = (values) => push(`i=${values[0]} x=${values[1]}`);
  await new Promise((resolve, reject) => session.post('Debugger.enable', (err) => (err ? reject(err) : resolve())));
  const bp = await new Promise((resolve, reject) =>
    session.post(
      'Debugger.setBreakpointByUrl',
      { url: pathToFileURL(breakpoint.file).href, lineNumber: PROBE_LINE - 1, condition: 'globalThis.__benchEmit([i, x]), false' },
      (err, result) => (err ? reject(err) : resolve(result)),
    ),
  );
  if (bp.locations.length !== 1) throw new Error(`the breakpoint did not resolve: ${JSON.stringify(bp)}`);

  // (4) Reference: the bare patch, a no-op call with the two values.
  globalThis.__benchRaw = () => {};
  await patchRaw(raw.file);

  warm(baseline.work, 2_000_000);
  warm(sonde.work, 500_000);
  warm(breakpoint.work, 500);
  warm(raw.work, 500_000);
  const hitsBefore = manager.hits().get('bench');

  const rows = [
    { technique: 'no probe', iterations: 10_000_000, ns: measure(baseline.work, 10_000_000) },
    { technique: 'Sonde hot patch', iterations: 2_000_000, ns: measure(sonde.work, 2_000_000) },
    { technique: 'V8 conditional breakpoint', iterations: 3_000, ns: measure(breakpoint.work, 3_000) },
    { technique: '(reference) bare patch, no-op call', iterations: 2_000_000, ns: measure(raw.work, 2_000_000) },
  ];
  // Last, so that the rows above see a process with one probe, as most do.
  warm(throttled.work, 500_000);
  if (throttledStates.at(-1) !== 'paused') throw new Error(`the throttled probe is not paused: ${throttledStates.join(', ')}`);
  rows.push({ technique: 'Sonde, paused by the log quota', iterations: 2_000_000, ns: measure(throttled.work, 2_000_000) });
  const hits = manager.hits().get('bench') - hitsBefore;
  if (hits !== 2_000_000 * ROUNDS) throw new Error(`Sonde counted ${hits} hits, expected ${2_000_000 * ROUNDS}`);

  manager.stop();
  throttledManager.stop();
  await manager.whenIdle();
  await throttledManager.whenIdle();
  session.disconnect();

  const base = rows[0].ns;
  const fmt = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(1)} ns`);
  console.log(`node ${process.version}, ${ROUNDS} rounds each (median), probe "i={i} x={x}" at line ${PROBE_LINE} of work(i, x)`);
  console.log('');
  console.log('| technique | iterations/round | per call | × no probe |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.technique} | ${r.iterations.toLocaleString('en')} | ${fmt(r.ns)} | ${(r.ns / base).toFixed(1)}× |`);
  const sondeNs = rows[1].ns;
  const bpNs = rows[2].ns;
  console.log('');
  console.log(`Sonde is ${(bpNs / sondeNs).toFixed(0)}× faster per hit than the breakpoint; its last line: "${lastSondeLine}"`);
  console.log(
    JSON.stringify({
      bench: 'node-logpoint',
      node: process.version,
      baselineNs: round(base),
      sondeNs: round(sondeNs),
      breakpointNs: round(bpNs),
      sondeOverBaseline: round(sondeNs / base),
      breakpointOverBaseline: round(bpNs / base),
      breakpointOverSonde: round(bpNs / sondeNs),
      barePatchNs: round(rows[3].ns),
      sondePausedNs: round(rows[4].ns),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Patches the raw copy's line 2 to call __benchRaw([i, x]) first, on the same line (own session). */
async function patchRaw(file) {
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  const url = pathToFileURL(file).href;
  let scriptId;
  session.on('Debugger.scriptParsed', (m) => {
    if (m.params.url === url) scriptId = m.params.scriptId;
  });
  await post('Debugger.enable'); // replays scriptParsed for loaded scripts
  const { scriptSource } = await post('Debugger.getScriptSource', { scriptId });
  const patched = scriptSource.replace('  const y', '  __benchRaw([i, x]);const y');
  const result = await post('Debugger.setScriptSource', { scriptId, scriptSource: patched });
  if (result.status !== 'Ok') throw new Error(`the bare patch failed: ${JSON.stringify(result)}`);
  session.disconnect(); // the new source stays
}

function round(v) {
  return Math.round(v * 100) / 100;
}
