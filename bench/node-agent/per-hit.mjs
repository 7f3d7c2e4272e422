// Per-hit cost of each kind of probe, in this process: one copy of a small
// function per row (so no row touches another's code), each kind installed
// through Sonde's engine as a hot patch and, beside it, through the V8
// conditional breakpoint other Node agents use (a condition that does the
// kind's work and returns false). Also: a false condition, ten probes in
// one function, and the engine attached with no probe (idle).

import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measure, warm } from '../timing.mjs';
import { ProbeEngine } from '../../agents/node/dist/src/probes/index.js';

const require = createRequire(import.meta.url);

// Line 3 sees three locals (i, x, cart), one of them an object.
const WORK = `function work(i, x) {
  const cart = { id: i, items: [x, x + 1], total: x * 3 };
  const y = x * 2;
  return y + i + cart.total;
}
module.exports = { work };
`;
const LINE = 3;
// Ten statements, each with a probe.
const TEN = `function work(i, x) {
${Array.from({ length: 10 }, (_, k) => `  const v${k} = x + ${k};`).join('\n')}
  return i + v0 + v9;
}
module.exports = { work };
`;
const UNLIMITED = { perProbePerSecond: Infinity, perProbeBurst: Infinity, perAgentPerSecond: Infinity, perAgentBurst: Infinity };

const RING = new Array(4096);
let ringAt = 0;
const keep = (v) => {
  RING[ringAt] = v;
  ringAt = (ringAt + 1) & 4095;
};


function post(session, method, params) {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
}

/** Kinds as Sonde specs and as the breakpoint technique's condition (which calls __benchBp.<kind>). */
const KINDS = [
  { row: 'LOG "i={i} x={x}"', spec: { kind: 'log', format: 'i={i} x={x}' }, condition: '__benchBp.log([i, x])' },
  { row: 'SNAPSHOT (i, x, cart)', spec: { kind: 'snapshot', expressions: [], hitLimit: 1e9, limits: {} }, condition: '__benchBp.snapshot({ i, x, cart })' },
  { row: 'COUNTER', spec: { kind: 'counter', name: 'c' }, condition: '__benchBp.counter()' },
  { row: 'METRIC "x * 2"', spec: { kind: 'metric', expression: 'x * 2', name: 'm' }, condition: '__benchBp.metric(x * 2)' },
  // Lines 3 to 4: a tic and a toc, two sites (two breakpoints for the other technique).
  { row: 'TICTOC (lines 3-4)', spec: { kind: 'tictoc', endLine: LINE + 1, name: 't' }, condition: '__benchBp.tic()', endCondition: '__benchBp.toc()' },
];

globalThis.__benchBp = {
  log: (v) => keep(`i=${v[0]} x=${v[1]}`),
  // The least a breakpoint snapshot does: a shallow copy of the locals (Sonde's row captures a bounded tree).
  snapshot: (locals) => keep({ ...locals }),
  counter: () => keep(1),
  stack: () => {
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    Error.prepareStackTrace = (_e, sites) => sites;
    Error.stackTraceLimit = 24;
    const holder = {};
    Error.captureStackTrace(holder);
    const sites = holder.stack;
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
    keep(sites.map((s) => [s.getFunctionName(), s.getTypeName(), s.getFileName(), s.getLineNumber(), s.getColumnNumber(), s.isEval()]));
  },
  metric: (v) => keep(v),
  tic: () => (globalThis.__benchTic = performance.now()),
  toc: () => keep(performance.now() - globalThis.__benchTic),
};

export async function perHit(dir) {
  const copies = new Map();
  const load = (name, source = WORK) => {
    const file = join(dir, `${name}.cjs`);
    writeFileSync(file, source);
    const { work } = require(file);
    copies.set(name, { file, work });
    return work;
  };
  const idle = load('idle');
  const plain = load('plain');
  for (const k of KINDS.keys()) {
    load(`sonde${k}`);
    load(`bp${k}`);
  }
  load('falsecond');
  // The floor any in-process snapshot stands on: V8's stack walk and the call sites' reads, at the same line, with no Sonde.
  load('stackonly', WORK.replace('  const y = x * 2;', '  __benchBp.stack(); const y = x * 2;'));
  load('ten', TEN);

  // Idle: the same copy before and after an engine is attached with no probe.
  warm(idle, 2_000_000);
  const idleBefore = measure(idle, 10_000_000);
  const events = { n: 0, kinds: new Set() };
  const states = new Map();
  const stateSink = { state: (id, state, reason) => states.set(id, `${state}: ${reason}`), event: (_id, e) => (events.n++, events.kinds.add(e.kind), keep(e.kind === 'log' ? e.text : e)), filesLoaded: () => {} };
  const engine = new ProbeEngine(stateSink, { roots: [dir] });
  engine.start();
  await engine.whenIdle();
  warm(idle, 2_000_000);
  const idleAfter = measure(idle, 10_000_000);
  engine.stop();
  await engine.whenIdle();

  const sonde = new ProbeEngine(stateSink, { roots: [dir], hotPatch: 'at-once', quota: UNLIMITED, metricIntervalMs: 1000 });
  sonde.start();
  // Every kind's budget lifted too (snapshots default to one a second per probe): each hit does the whole work.
  const lifted = { perProbePerSecond: Infinity, perProbeBurst: Infinity, perAgentPerSecond: Infinity, perAgentBurst: Infinity };
  sonde.setPolicy({ quotas: Object.fromEntries(KINDS.map((k) => [k.spec.kind, lifted])) });
  KINDS.forEach((k, i) => sonde.upsert({ id: `k${i}`, file: `sonde${i}.cjs`, line: LINE, condition: '', ...k.spec }));
  sonde.upsert({ id: 'false', kind: 'log', file: 'falsecond.cjs', line: LINE, condition: 'i < 0', format: 'i={i}' });
  for (let l = 2; l <= 11; l++) sonde.upsert({ id: `ten${l}`, kind: 'log', file: 'ten.cjs', line: l, condition: '', format: `v=${l} i={i}` });
  await sonde.whenIdle();
  for (const [id, s] of states) if (!s.startsWith('active: hot-patched')) throw new Error(`probe ${id} is not a hot patch: ${s}`);

  const session = new Session();
  session.connect();
  await post(session, 'Debugger.enable');
  for (const k of KINDS.keys()) {
    const bp = await post(session, 'Debugger.setBreakpointByUrl', { url: pathToFileURL(copies.get(`bp${k}`).file).href, lineNumber: LINE - 1, condition: `${KINDS[k].condition}, false` });
    if (bp.locations.length !== 1) throw new Error(`breakpoint ${k} did not resolve`);
    if (KINDS[k].endCondition === undefined) continue;
    const end = await post(session, 'Debugger.setBreakpointByUrl', { url: pathToFileURL(copies.get(`bp${k}`).file).href, lineNumber: LINE, condition: `${KINDS[k].endCondition}, false` });
    if (end.locations.length !== 1) throw new Error(`breakpoint ${k} (end) did not resolve`);
  }

  const rows = [];
  const row = (technique, work, n, extra = {}) => {
    warm(work, Math.min(n, 200_000));
    rows.push({ technique, iterations: n, ns: measure(work, n), ...extra });
  };
  row('no probe', plain, 10_000_000);
  KINDS.forEach((k, i) => {
    row(`Sonde ${k.row}`, copies.get(`sonde${i}`).work, k.spec.kind === 'snapshot' ? 200_000 : 2_000_000, { kind: k.spec.kind, sonde: true });
    row(`V8 breakpoint ${k.row}`, copies.get(`bp${i}`).work, 3_000, { kind: k.spec.kind, sonde: false });
  });
  row('V8 stack alone: captureStackTrace + call sites read (the floor under SNAPSHOT)', copies.get('stackonly').work, 200_000, { kind: 'stack-floor' });
  row('Sonde LOG, condition false (i < 0)', copies.get('falsecond').work, 10_000_000, { kind: 'false-condition' });
  row('Sonde, ten LOG probes in one function (all fire)', copies.get('ten').work, 500_000, { kind: 'ten' });
  rows.push({ technique: 'idle: no engine (same copy)', iterations: 10_000_000, ns: idleBefore, kind: 'idle-before' });
  rows.push({ technique: 'idle: engine attached, no probe', iterations: 10_000_000, ns: idleAfter, kind: 'idle-after' });

  sonde.stop();
  await sonde.whenIdle();
  session.disconnect();
  // A row counts only if its probe did its work all along: a kind whose hits failed would time its failure path.
  for (const [id, s] of states) if (!s.startsWith('active: hot-patched')) throw new Error(`probe ${id} did not stay active through its row: ${s}`);
  // Counters and tic-tocs report once an interval (aggregate events), which may not have come in the bench's time.
  for (const k of ['log', 'snapshot']) if (!events.kinds.has(k)) throw new Error(`no ${k} event came out of its row`);
  return rows;
}
