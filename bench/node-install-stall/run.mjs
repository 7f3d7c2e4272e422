// How long installing one probe blocks the host's thread, by technique and
// by how much the host holds on its heap: Debugger.setScriptSource (the hot
// patch) against Debugger.setBreakpoint (the fallback), on a small file, in
// child processes with 0, 200,000 and 2,000,000 live objects. The no-op
// baseline is a Runtime.evaluate of `1` on the same session.
// Prints a table, then one JSON line.
//
//   node bench/node-install-stall/run.mjs

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HEAPS = [0, 200_000, 2_000_000];
const ROUNDS = 5;

if (process.argv[2] === '--child') {
  await child(Number(process.argv[3]));
} else {
  const rows = HEAPS.map((objects) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(objects)], { encoding: 'utf8' })));
  const fmt = (ms) => (ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(0)} µs`);
  console.log(`node ${process.version}, a 100-function file (6 KB), median of ${ROUNDS} installs per row`);
  console.log('');
  console.log('| live objects on the heap | no-op round trip | setBreakpoint | setScriptSource | patch × breakpoint |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.objects.toLocaleString('en')} | ${fmt(r.noopMs)} | ${fmt(r.breakpointMs)} | ${fmt(r.patchMs)} | ${(r.patchMs / r.breakpointMs).toFixed(0)}× |`);
  console.log('');
  console.log('A hot patch blocks the thread for a time that grows with the heap (V8 looks for the functions to update); a breakpoint does not.');
  console.log(JSON.stringify({ bench: 'node-install-stall', node: process.version, rows }));
}

async function child(objects) {
  const { Session } = await import('node:inspector');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { pathToFileURL } = await import('node:url');
  const dir = mkdtempSync(join(tmpdir(), 'sonde-stall-'));
  const file = join(dir, 'work.cjs');
  let src = '';
  for (let i = 0; i < 100; i++) src += `function f${i}(a, b) {\n  const c = a + b * ${i};\n  return c;\n}\n`;
  writeFileSync(file, `${src}module.exports = { f0 };\n`);
  createRequire(import.meta.url)(file);
  // What an app holds: small objects, each with a string.
  const heap = Array.from({ length: objects }, (_, i) => ({ i, s: `x${i}` }));
  const session = new Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (err, r) => (err ? reject(err) : resolve(r))));
  let scriptId;
  session.on('Debugger.scriptParsed', (m) => {
    if (m.params.url === pathToFileURL(file).href) scriptId = m.params.scriptId;
  });
  await post('Debugger.enable');
  const { scriptSource } = await post('Debugger.getScriptSource', { scriptId });
  const time = async (fn) => {
    const samples = [];
    for (let k = 0; k < ROUNDS; k++) {
      const t0 = process.hrtime.bigint();
      await fn(k);
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
  };
  const noopMs = await time(() => post('Runtime.evaluate', { expression: '1' }));
  const breakpointMs = await time((k) => post('Debugger.setBreakpoint', { location: { scriptId, lineNumber: 1 + 4 * k }, condition: 'false' }));
  const patchMs = await time(async (k) => {
    const r = await post('Debugger.setScriptSource', { scriptId, scriptSource: scriptSource.replace('  const c = a + b * 7;', `  globalThis.p${k} = 1;const c = a + b * 7;`) });
    if (r.status !== 'Ok') throw new Error(`the patch was refused: ${r.status}`);
  });
  session.disconnect();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ objects: heap.length, noopMs, breakpointMs, patchMs }));
}
