// How long a live edit blocks the host by how much probe code it inserts:
// one 260-line function patched with 1, 5 and 25 probe-shaped statements a
// line, against the same file patched with nothing changed (the baseline,
// V8's own floor), on a small heap. Prints one line per row, then JSON.
//
//   node bench/node-install-stall/code-size.mjs
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const dir = mkdtempSync(join(tmpdir(), 'sonde-code-size-'));
const file = join(dir, 'work.cjs');
const lines = [];
for (let i = 0; i < 260; i++) lines.push(`  total = (total * 31 + ${i}) % 100003 + arr[${i % 7}] + String(total).length;`);
writeFileSync(file, `function handle(total, arr) {\n${lines.join('\n')}\n  return total;\n}\nmodule.exports = { handle };\n`);
const m = createRequire(import.meta.url)(file);
for (let i=0;i<1000;i++) m.handle(i,[1,2,3,4,5,6,7]);
const s = new Session(); s.connect();
const post = (method, params) => new Promise((res, rej) => s.post(method, params, (e, r) => (e ? rej(e) : res(r))));
let id; s.on('Debugger.scriptParsed', (x) => { if (x.params.url === pathToFileURL(file).href) id = x.params.scriptId; });
await post('Debugger.enable');
const { scriptSource: orig } = await post('Debugger.getScriptSource', { scriptId: id });
const rows = [];
async function t(label, src) { const t0 = performance.now(); const r = await post('Debugger.setScriptSource', { scriptId: id, scriptSource: src }); const ms = performance.now() - t0; rows.push({ label, chars: src.length, ms, status: r.status }); console.log(`${label}: ${src.length} chars, ${ms.toFixed(1)} ms (${r.status})`);
  await post('Debugger.setScriptSource', { scriptId: id, scriptSource: orig }); }
const ins = (k, where='front') => orig.split('\n').map((l, i) => (i >= 1 && i <= 260 ? (where==='front' ? `void ${JSON.stringify('x'.repeat(k))};` + l : l + `void ${JSON.stringify('x'.repeat(k))};`) : l)).join('\n');
await t('no change', orig + ' ');
for (const k of [100, 1000, 7500]) { await t(`260 × ${k} front`, ins(k)); await t(`260 × ${k} end`, ins(k,'end')); }
const one = orig.split('\n'); one[5] = `void ${JSON.stringify('x'.repeat(260*7500))};` + one[5]; await t('1 × 1.95M', one.join('\n'));
const probe = (j) => `try{if($.c($.eq(total,${j}))){let v0,v1;try{v0=total}catch(e){v0=$.m(e)}try{v1=$.g(arr,"length")}catch(e){v1=$.m(e)}$.hit(${j},[v0,v1])}}catch(e){$.fail(${j},e)}`;
for (const per of [1, 5, 25]) {
  const code = orig.split('\n').map((l, i) => (i >= 1 && i <= 260 ? `try{const $=globalThis.h;${Array.from({length: per}, (_, j) => probe(j)).join('')}}catch(e){}` + l : l)).join('\n');
  await t(`260 lines × ${per} probes`, code);
}
console.log(JSON.stringify({ bench: 'node-install-stall/code-size', node: process.version, rows }));
