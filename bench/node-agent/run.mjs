// bench/node-agent: what Sonde's Node agent costs its host, in one run.
// Per hit, each kind against no probe and against the V8 conditional
// breakpoint; a false condition; ten probes in one function; the engine
// idle. Then the example HTTP service under load (service.mjs). Prints a
// table per part, then one JSON line.
//
//   npm run build && node bench/node-agent/run.mjs [--per-hit-only]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perHit } from './per-hit.mjs';

const fmt = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(1)} ns`);
const round = (v) => Math.round(v * 100) / 100;

const dir = mkdtempSync(join(tmpdir(), 'sonde-bench-agent-'));
const result = { bench: 'node-agent', node: process.version };
try {
  const rows = await perHit(dir);
  const base = rows[0].ns;
  console.log(`node ${process.version}; per call of work(i, x), median of 5 rounds; probes at line 3 (sees i, x and the object cart)\n`);
  console.log('| technique | iterations/round | per call | added per hit | breakpoint ÷ Sonde |');
  console.log('|---|---:|---:|---:|---:|');
  const perKind = {};
  for (const r of rows) {
    const added = r.ns - base;
    let ratio = '';
    if (r.sonde) {
      const bp = rows.find((x) => x.kind === r.kind && x.sonde === false);
      const bpAdded = bp.ns - base;
      ratio = `${(bpAdded / added).toFixed(0)}×`;
      perKind[r.kind] = { sondeNs: round(added), breakpointNs: round(bpAdded), breakpointOverSonde: round(bpAdded / added) };
    }
    console.log(`| ${r.technique} | ${r.iterations.toLocaleString('en')} | ${fmt(r.ns)} | ${r.kind?.startsWith('idle') ? '' : fmt(added)} | ${ratio} |`);
  }
  const ten = rows.find((r) => r.kind === 'ten');
  const falseCond = rows.find((r) => r.kind === 'false-condition');
  const stackFloor = rows.find((r) => r.kind === 'stack-floor');
  const idleBefore = rows.find((r) => r.kind === 'idle-before').ns;
  const idleAfter = rows.find((r) => r.kind === 'idle-after').ns;
  console.log(`\nten probes: ${fmt((ten.ns - base) / 10)} a probe; false condition: ${fmt(falseCond.ns - base)} a hit; V8's stack alone (under SNAPSHOT): ${fmt(stackFloor.ns - base)}; idle engine: ${(((idleAfter - idleBefore) / idleBefore) * 100).toFixed(1)} % on a hot loop`);
  Object.assign(result, {
    baselineNs: round(base),
    perKind,
    falseConditionNs: round(falseCond.ns - base),
    stackFloorNs: round(stackFloor.ns - base),
    tenProbesPerProbeNs: round((ten.ns - base) / 10),
    idleLoopBeforeNs: round(idleBefore),
    idleLoopAfterNs: round(idleAfter),
  });
  if (!process.argv.includes('--per-hit-only')) {
    const { underLoad } = await import('./service.mjs');
    Object.assign(result, await underLoad());
  }
  console.log(JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
