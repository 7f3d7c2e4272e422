import assert from 'node:assert/strict';
import { LARGE_KEYS } from '../../src/probes/own-keys.js';
import { safeInspect } from '../../src/probes/safe-inspect.js';
import { MAX_READ_CHARS } from '../../src/probes/text-limits.js';

describe('probes/safe-inspect', () => {
  it('renders objects, arrays, maps and sets on one line', () => {
    class Cart {
      items = [1, 'two', { three: 3 }];
      owner = null;
    }
    assert.equal(safeInspect(new Cart()), "Cart { items: [ 1, 'two', { three: 3 } ], owner: null }");
    assert.equal(safeInspect(new Map<unknown, unknown>([['a', 1], [2, [true]]])), "Map(2) { 'a' => 1, 2 => [ true ] }");
    assert.equal(safeInspect(new Set(['x'])), "Set(1) { 'x' }");
    assert.equal(safeInspect([]), '[]');
    assert.equal(safeInspect({}), '{}');
    assert.equal(safeInspect(Object.create(null)), '[Object: null prototype] {}');
    assert.equal(safeInspect(new Date(0)), '1970-01-01T00:00:00.000Z');
    assert.equal(safeInspect(/a+b/g), '/a+b/');
    assert.equal(safeInspect(new TypeError('bad')), 'TypeError: bad');
    assert.equal(safeInspect(function named() {}), '[Function: named]');
    assert.equal(safeInspect({ 'odd key': 1 }), "{ 'odd key': 1 }");
  });

  it('marks cycles, depth and counts instead of following them', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    assert.equal(safeInspect(a), "{ name: 'a', self: [Circular] }");
    assert.equal(safeInspect({ l1: { l2: { l3: { l4: 1 } } } }), '{ l1: { l2: { l3: [Object] } } }');
    assert.match(safeInspect(Array.from({ length: 150 }, (_, i) => i)), /, … 50 more items \]$/);
    const wide = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
    assert.match(safeInspect(wide, { depth: 3, fields: 20, items: 100, stringLength: 255, budget: 10_000 }), /k19: 19, … 10 more \}$/);
  });

  it('runs no program code: getters, toStringTag, error fields, proxies, overridden collection methods', () => {
    const calls: string[] = [];
    const o = {
      plain: 1,
      get lazy() {
        calls.push('getter');
        return 2;
      },
      get [Symbol.toStringTag]() {
        calls.push('toStringTag');
        return 'Tag';
      },
      toString() {
        calls.push('toString');
        return 'x';
      },
    };
    class LoudError extends Error {
      override get message() {
        calls.push('message');
        return 'loud';
      }
    }
    class LoudMap extends Map<number, number> {
      override forEach() {
        calls.push('forEach');
      }
      override get size() {
        calls.push('size');
        return 0;
      }
    }
    const proxy = new Proxy({}, {
      get: () => calls.push('trap'),
      ownKeys: () => (calls.push('trap'), []),
      getPrototypeOf: () => (calls.push('trap'), null),
    });
    const text = safeInspect({ o, e: new LoudError(), m: new LoudMap([[1, 2]]), proxy });
    assert.deepEqual(calls, []);
    assert.match(text, /lazy: \[Getter\]/);
    assert.match(text, /proxy: \[proxy\]/);
    assert.match(text, /m: LoudMap\(1\) \{ 1 => 2 \}/);
  });

  it('runs no accessor a program put on Object.prototype under the names a descriptor has', async () => {
    const { g } = await import('../../src/probes/safe-ops.js');
    let ran = 0;
    // Null-prototype descriptors: once `value` is on Object.prototype, a plain descriptor object would carry it too.
    const spy = () => Object.assign(Object.create(null) as PropertyDescriptor, { get: () => (ran++, 'spied'), configurable: true });
    const obj = { name: 'ada', get lazy() { return 1; } };
    let text: string;
    let read: unknown;
    try {
      Object.defineProperty(Object.prototype, 'value', spy());
      Object.defineProperty(Object.prototype, 'get', spy());
      text = safeInspect(obj);
      read = g(obj, 'name');
    } finally {
      delete (Object.prototype as Record<string, unknown>)['value'];
      delete (Object.prototype as Record<string, unknown>)['get'];
    }
    assert.equal(ran, 0);
    assert.equal(read, 'ada');
    assert.match(text, /name: 'ada'/);
  });

  it('stops walking a huge collection once the line is long enough', () => {
    const big = new Map<number, number>();
    for (let i = 0; i < 100_000; i++) big.set(i, i);
    const text = safeInspect(big);
    assert.ok(text.length < 400, `${text.length} characters`);
    assert.match(text, /^Map\(100000\) \{ 0 => 0, 1 => 1/);
  });

  it('lists a huge object\'s keys once: later hits show those keys with their current values, and never list them again', () => {
    const huge: Record<string, unknown> = {};
    for (let i = 0; i < LARGE_KEYS * 2; i++) huge[`k${i}`] = i;
    const first = safeInspect({ huge });
    assert.match(first, /^\{ huge: \{ k0: 0, k1: 1, .*k19: 19, … 19980 more \} \}$/);
    huge.k0 = 'now';
    delete huge.k1;
    huge.added = true; // a new key: not listed, since the keys are not listed again
    const later = safeInspect({ huge });
    assert.match(later, /^\{ huge: \{ k0: 'now', k2: 2, .*k19: 19, … 19980 more \(keys as listed at an earlier hit\) \} \}$/);
    assert.doesNotMatch(later, /added/);
    const small = { a: 1 };
    safeInspect(small);
    (small as Record<string, unknown>).b = 2;
    assert.equal(safeInspect(small), '{ a: 1, b: 2 }', 'an ordinary object is listed afresh on every hit');
  });

  it('reads no string past the limits: cut before escaping, never half a surrogate pair, and a huge one not at all', () => {
    const huge = 'x'.repeat(MAX_READ_CHARS + 1);
    assert.equal(safeInspect({ s: huge }), `{ s: <string of ${MAX_READ_CHARS + 1} characters, not read: over ${MAX_READ_CHARS}> }`);
    assert.equal(safeInspect({ s: `${'a'.repeat(254)}😀` }), `{ s: '${'a'.repeat(254)}…' }`);
    const text = safeInspect(new Error('m'.repeat(1e6)));
    assert.equal(text, `Error: ${'m'.repeat(255)}…`);
    const named = { [`k${'e'.repeat(1e6)}`]: 1 };
    assert.ok(safeInspect(named, { depth: 3, fields: 20, items: 100, stringLength: 255, budget: 10_000 }).length < 300);
  });
});
