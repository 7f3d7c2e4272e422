// What listing part of a huge object's keys costs in V8, by every means
// JavaScript has: Object.keys, a for…in stopped after 20 keys, and
// Reflect.ownKeys, on an object with a million named keys (dictionary mode)
// and one with a million index keys. Each is O(n) whatever is kept, which is
// why a snapshot's or a log's first hit on such an object lists its keys
// once (agents/node/src/probes/own-keys.ts). Prints one line per row, then JSON.
//
//   node bench/node-huge-object/run.mjs

const N = 1_000_000;
const named = {};
for (let i = 0; i < N; i++) named['k' + i] = i;
const indexed = {};
for (let i = 0; i < N; i++) indexed[i] = i;

const rows = [];
const time = (object, how, fn) => {
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  rows.push({ object, how, ms });
  console.log(`${object}, ${how}: ${ms.toFixed(1)} ms`);
};
for (const [object, o] of [['1M named keys', named], ['1M index keys', indexed]]) {
  time(object, 'Object.keys', () => Object.keys(o));
  time(object, 'for…in, stopped after 20', () => {
    let n = 0;
    for (const _ in o) if (++n >= 20) break;
  });
  time(object, 'Reflect.ownKeys', () => Reflect.ownKeys(o));
}
console.log(JSON.stringify({ bench: 'node-huge-object', node: process.version, rows }));
