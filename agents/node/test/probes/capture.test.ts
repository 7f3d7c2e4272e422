import assert from 'node:assert/strict';
import { captureAll, captureValue, DEFAULT_CAPTURE_LIMITS, type CapturedVariable, type CaptureLimits } from '../../src/probes/capture.js';
import { m, Marker } from '../../src/probes/safe-ops.js';
import { MAX_READ_CHARS } from '../../src/probes/text-limits.js';

const limits = (over: Partial<CaptureLimits>): CaptureLimits => ({ ...DEFAULT_CAPTURE_LIMITS, ...over });

function child(v: CapturedVariable, name: string): CapturedVariable {
  const found = v.children?.find((c) => c.name === name);
  assert.ok(found, `no child ${name} in ${JSON.stringify(v)}`);
  return found;
}

const names = (v: CapturedVariable): string[] => (v.children ?? []).map((c) => c.name);

/** A proxy whose handler is itself a proxy: any trap looked up, let alone run, is recorded (and throws). */
function recordingProxy<T extends object>(target: T, traps: string[]): T {
  const handler = new Proxy({}, {
    get(_, trap) {
      traps.push(String(trap));
      return () => {
        throw new Error(`trap ${String(trap)} ran`);
      };
    },
  });
  return new Proxy(target, handler);
}

describe('probes/capture', () => {
  it('exports the default limits', () => {
    assert.deepEqual(DEFAULT_CAPTURE_LIMITS, { depth: 3, fields: 20, items: 100, stringLength: 255, bytes: 32 * 1024 });
  });

  it('captures a class instance as a tree named by its class, with nested arrays, maps and sets', () => {
    class Cart {
      items = [1, 'two', [3, [4]]];
      owner = null;
      tags = new Map<unknown, unknown>([['a', 1], [2, [true]]]);
      seen = new Set(['x']);
    }
    const v = captureValue('cart', new Cart());
    assert.deepEqual({ name: v.name, type: v.type, value: v.value }, { name: 'cart', type: 'Cart', value: 'Cart {…}' });
    assert.deepEqual(names(v), ['items', 'owner', 'tags', 'seen']);
    const items = child(v, 'items');
    assert.equal(items.type, 'Array');
    assert.equal(items.value, 'Array(3)');
    assert.deepEqual(child(items, '1'), { name: '1', type: 'string', value: 'two' });
    const nested = child(items, '2');
    assert.equal(nested.value, 'Array(2)');
    assert.deepEqual(child(nested, '0'), { name: '0', type: 'number', value: '3' });
    assert.deepEqual(child(nested, '1'), { name: '1', type: 'Array', value: 'Array(1)', truncated: true, left: 1 }, 'depth 3 is not expanded');
    const tags = child(v, 'tags');
    assert.equal(tags.value, 'Map(2)');
    assert.deepEqual(child(tags, 'a'), { name: 'a', type: 'number', value: '1' });
    assert.deepEqual(child(child(tags, '2'), '0'), { name: '0', type: 'boolean', value: 'true' });
    assert.deepEqual(child(v, 'seen'), { name: 'seen', type: 'Set', value: 'Set(1)', children: [{ name: '0', type: 'string', value: 'x' }] });
    assert.deepEqual(captureValue('o', {}), { name: 'o', type: 'Object', value: '{}' });
    assert.equal(captureValue('n', Object.create(null)).value, '[Object: null prototype] {}');
    assert.equal(captureValue('a', []).value, 'Array(0)');
  });

  it('shows primitives, null, undefined, bigint, symbol and functions as leaves', () => {
    const leaf = (v: unknown) => {
      const { type, value, children } = captureValue('x', v);
      assert.equal(children, undefined);
      return [type, value];
    };
    assert.deepEqual(leaf('a "b"'), ['string', 'a "b"']);
    assert.deepEqual(leaf(42), ['number', '42']);
    assert.deepEqual(leaf(-0), ['number', '-0']);
    assert.deepEqual(leaf(true), ['boolean', 'true']);
    assert.deepEqual(leaf(null), ['null', 'null']);
    assert.deepEqual(leaf(undefined), ['undefined', 'undefined']);
    assert.deepEqual(leaf(10n), ['bigint', '10n']);
    assert.deepEqual(leaf(Symbol('s')), ['symbol', 'Symbol(s)']);
    assert.deepEqual(leaf(Symbol()), ['symbol', 'Symbol()']);
    assert.deepEqual(leaf(function named() {}), ['function', '[Function: named]']);
    assert.deepEqual(leaf(() => {}), ['function', '[Function (anonymous)]']);
    assert.deepEqual(leaf(new Date(0)), ['Date', '1970-01-01T00:00:00.000Z']);
    assert.deepEqual(leaf(new Date(NaN)), ['Date', 'Invalid Date']);
    assert.deepEqual(leaf(/a+b/gi), ['RegExp', '/a+b/gi']);
    assert.deepEqual(leaf(new TypeError('bad')), ['TypeError', 'TypeError: bad']);
    const huge = captureValue('x', 10n ** 2000n);
    assert.equal(huge.type, 'bigint');
    assert.equal(huge.truncated, true);
    assert.doesNotMatch(huge.value, /^1000/, 'a bigint of 2001 digits is not converted');
  });

  it('calls no getter, setter, toString, valueOf or Symbol.toStringTag', () => {
    let calls = 0;
    const o = {
      plain: 1,
      get lazy() {
        calls++;
        return 2;
      },
      set onlySet(_: number) {
        calls++;
      },
      get [Symbol.toStringTag]() {
        calls++;
        return 'Tag';
      },
      toString() {
        calls++;
        return 'x';
      },
      valueOf() {
        calls++;
        return 1;
      },
    };
    class LoudError extends Error {
      override get message() {
        calls++;
        return 'loud';
      }
      override get name() {
        calls++;
        return 'Loud';
      }
    }
    class Hidden {
      static get name() {
        calls++;
        return 'Hidden';
      }
    }
    const items = [0];
    Object.defineProperty(items, 1, { get: () => calls++, enumerable: true });
    const v = captureValue('v', { o, e: new LoudError(), h: new Hidden(), items });
    assert.equal(calls, 0);
    assert.deepEqual(child(child(v, 'o'), 'lazy'), { name: 'lazy', type: 'accessor', value: '[getter]' });
    assert.equal(child(child(v, 'o'), 'onlySet').value, '[setter]');
    assert.equal(child(v, 'e').type, 'LoudError');
    assert.equal(child(v, 'e').value, 'LoudError', 'the message and name getters are not called');
    assert.equal(child(v, 'h').type, 'Object', 'a class whose name is a getter is not named');
    assert.equal(child(child(v, 'items'), '1').value, '[getter]');
  });

  it('never looks into a proxy: no trap runs, wherever the proxy is', () => {
    const traps: string[] = [];
    const proxy = recordingProxy({ secret: 1 }, traps);
    const fn = recordingProxy(function f() {}, traps);
    const inherits: unknown = Object.create(recordingProxy({}, traps), { own: { value: 1, enumerable: true } });
    const v = captureValue('v', {
      proxy,
      fn,
      inherits,
      list: [proxy],
      map: new Map([[proxy, proxy]]),
      set: new Set([proxy]),
    });
    assert.deepEqual(traps, []);
    assert.deepEqual(child(v, 'proxy'), { name: 'proxy', type: 'Proxy', value: '[proxy]' });
    assert.equal(child(v, 'fn').type, 'Proxy');
    assert.deepEqual(names(child(v, 'inherits')), ['own']);
    assert.equal(child(child(v, 'list'), '0').value, '[proxy]');
    assert.deepEqual(child(v, 'map').children, [{ name: '[proxy]', type: 'Proxy', value: '[proxy]' }]);
    assert.equal(child(child(v, 'set'), '0').type, 'Proxy');
    assert.equal(captureValue('p', proxy).type, 'Proxy');
    assert.deepEqual(traps, []);
  });

  it('reads Map, Set, Date and RegExp with the built-ins, not with methods overwritten on the instance', () => {
    let calls = 0;
    const count = () => {
      calls++;
      return 0;
    };
    const map = new Map([['k', 'v']]);
    const set = new Set(['only']);
    for (const c of [map, set] as object[]) {
      for (const method of ['forEach', 'entries', 'keys', 'values', 'get', 'has', Symbol.iterator]) Object.defineProperty(c, method, { value: count });
      Object.defineProperty(c, 'size', { get: count });
    }
    const date = new Date(0);
    Object.assign(date, { getTime: count, toISOString: count, toString: count, valueOf: count });
    const regexp = /a+/g;
    for (const key of ['source', 'flags', 'global']) Object.defineProperty(regexp, key, { get: count });
    class LoudSet extends Set<number> {
      override forEach(): void {
        calls++;
      }
      override get size(): number {
        return count();
      }
    }
    const v = captureValue('v', { map, set, date, regexp, loud: new LoudSet([7]) });
    assert.equal(calls, 0);
    assert.deepEqual(child(v, 'map').children, [{ name: 'k', type: 'string', value: 'v' }]);
    assert.equal(child(v, 'map').value, 'Map(1)');
    assert.deepEqual(child(v, 'set').children, [{ name: '0', type: 'string', value: 'only' }]);
    assert.equal(child(v, 'date').value, '1970-01-01T00:00:00.000Z');
    assert.equal(child(v, 'regexp').value, '/a+/g');
    assert.deepEqual(child(v, 'loud'), { name: 'loud', type: 'LoudSet', value: 'LoudSet(1)', children: [{ name: '0', type: 'number', value: '7' }] });
  });

  it('bounds an object with 1,000,000 keys: as many fields as the limit, the rest counted in left', () => {
    const huge: Record<string, number> = {};
    for (let i = 0; i < 1_000_000; i++) huge[`k${i}`] = i;
    const v = captureValue('huge', huge);
    assert.equal(v.children?.length, DEFAULT_CAPTURE_LIMITS.fields);
    assert.deepEqual(v.children?.[19], { name: 'k19', type: 'number', value: '19' });
    assert.equal(v.truncated, true);
    assert.equal(v.left, 999_980);
    const again = captureValue('huge', huge);
    assert.equal(again.children?.length, 20, 'a later capture shows the keys listed at the first');
    assert.equal(again.left, 999_980);
  });

  it('cuts a long string before reading it, counting the characters left out; a 10 MB string is not read at all', () => {
    assert.deepEqual(captureValue('s', 'x'.repeat(1000)), { name: 's', type: 'string', value: `${'x'.repeat(255)}…`, truncated: true, left: 745 });
    const pair = captureValue('s', `${'a'.repeat(254)}😀b`);
    assert.equal(pair.value, `${'a'.repeat(254)}…`, 'a surrogate pair is never split');
    assert.equal(pair.left, 3);
    const tenMb = 'y'.repeat(10 * 1024 * 1024);
    const big = captureValue('s', tenMb);
    assert.equal(big.value, `<string of ${tenMb.length} characters, not read: over ${MAX_READ_CHARS}>`);
    assert.equal(big.truncated, true);
    assert.equal(big.left, tenMb.length);
    const key = captureValue('o', { [`k${'e'.repeat(1e6)}`]: 1 });
    assert.equal(key.children?.[0]?.name.length, 256, 'a long key is cut as a name');
    assert.equal(captureValue('s', 'short').truncated, undefined);
    assert.equal(captureValue('lone', 'a\uD800b').value, 'a\uFFFDb', 'a lone surrogate is replaced');
  });

  it('stops at the depth limit and marks the node, counting its items when that is cheap', () => {
    const v = captureValue('v', { l1: { l2: { l3: { l4: 1 } } }, a1: [[[1, 2]]] });
    const l3 = child(child(child(v, 'l1'), 'l2'), 'l3');
    assert.deepEqual(l3, { name: 'l3', type: 'Object', value: '{…}', truncated: true }, 'an object\'s keys are not listed to count them');
    const a3 = child(child(child(v, 'a1'), '0'), '0');
    assert.deepEqual(a3, { name: '0', type: 'Array', value: 'Array(2)', truncated: true, left: 2 });
    const flat = captureValue('v', { m: new Map([[1, 2]]), s: new Set() }, limits({ depth: 0 }));
    assert.deepEqual(flat, { name: 'v', type: 'Object', value: '{…}', truncated: true });
    assert.deepEqual(captureValue('m', new Map([[1, 2]]), limits({ depth: 0 })), { name: 'm', type: 'Map', value: 'Map(1)', truncated: true, left: 1 });
  });

  it('lists at most `items` of an array, map, set or typed array and counts the rest', () => {
    const array = captureValue('a', Array.from({ length: 150 }, (_, i) => i));
    assert.equal(array.children?.length, 100);
    assert.deepEqual([array.truncated, array.left], [true, 50]);
    const big = new Map<number, number>();
    for (let i = 0; i < 100_000; i++) big.set(i, i);
    const map = captureValue('m', big, limits({ items: 3 }));
    assert.deepEqual(map.children?.map((c) => c.name), ['0', '1', '2']);
    assert.deepEqual([map.value, map.left], ['Map(100000)', 99_997]);
    const set = captureValue('s', new Set([1, 2, 3, 4]), limits({ items: 2 }));
    assert.deepEqual([set.children?.length, set.left], [2, 2]);
    const typed = captureValue('t', new Float64Array(1_000_000));
    assert.deepEqual([typed.type, typed.value, typed.children?.length, typed.left], ['Float64Array', 'Float64Array(1000000)', 100, 999_900]);
    const sparse = captureValue('s', [, 1], limits({}));
    assert.deepEqual(child(sparse, '0'), { name: '0', type: 'undefined', value: '<empty>' });
  });

  it('shares one byte budget across captureAll: once spent nothing more is expanded and later entries come back as truncated leaves', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ id: i, label: `row ${i}` }));
    const { variables, truncated } = captureAll(
      [['first', 1], ['rows', rows], ['later', { a: 1 }], ['last', 'text']],
      limits({ bytes: 600 }),
    );
    assert.equal(truncated, true);
    assert.deepEqual(variables[0], { name: 'first', type: 'number', value: '1' });
    const shown = variables[1]!;
    assert.equal(shown.truncated, true);
    assert.ok(shown.children!.length > 0 && shown.children!.length < 100, `${shown.children!.length} rows`);
    assert.equal(shown.left, 100 - shown.children!.length);
    assert.deepEqual(variables[2], { name: 'later', type: 'Object', value: '', truncated: true });
    assert.deepEqual(variables[3], { name: 'last', type: 'string', value: '', truncated: true });
    const size = (v: CapturedVariable): number => v.name.length + v.type.length + v.value.length + (v.children ?? []).reduce((n, c) => n + size(c), 0);
    assert.ok(variables.reduce((n, v) => n + size(v), 0) < 700, 'the budget is kept, give or take one node');
    const roomy = captureAll([['rows', rows], ['later', 1]]);
    assert.equal(roomy.truncated, false);
    assert.deepEqual(roomy.variables[1], { name: 'later', type: 'number', value: '1' });
  });

  it('marks a circular reference instead of following it; an object seen twice but not in a cycle is shown twice', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    a.list = [a];
    const shared = { x: 1 };
    const v = captureValue('a', { a, left: shared, right: shared });
    assert.deepEqual(child(child(v, 'a'), 'self'), { name: 'self', type: 'Object', value: '[circular]' });
    assert.deepEqual(child(child(child(v, 'a'), 'list'), '0').value, '[circular]');
    assert.deepEqual(child(v, 'left').children, child(v, 'right').children);
    assert.equal(child(v, 'right').value, '{…}');
  });

  it('shows the global object (`this` of a plain call in sloppy code) as a leaf, wherever it is met', () => {
    assert.deepEqual(captureValue('this', globalThis), { name: 'this', type: 'Object', value: '[globalThis]' });
    assert.deepEqual(child(captureValue('o', { g: globalThis }), 'g'), { name: 'g', type: 'Object', value: '[globalThis]' });
  });

  it('shows own enumerable string keys only: symbol keys are skipped', () => {
    const v = captureValue('o', { a: 1, [Symbol('s')]: 2 });
    assert.deepEqual(names(v), ['a']);
    assert.equal(v.truncated, undefined);
  });

  it('shows a marker as its text with type error, and an error by its name and message', () => {
    assert.deepEqual(captureValue('w', new Marker('<x is not defined>')), { name: 'w', type: 'error', value: '<x is not defined>' });
    assert.deepEqual(captureValue('w', m(new RangeError('too far'))), { name: 'w', type: 'error', value: '<RangeError: too far>' });
    const e = Object.assign(new Error('m'.repeat(1000)), { code: 'E_X' });
    const v = captureValue('e', e);
    assert.equal(v.value, `Error: ${'m'.repeat(255)}…`);
    assert.deepEqual(v.children, [{ name: 'code', type: 'string', value: 'E_X' }], 'an error\'s own enumerable fields are its children');
  });

  it('never throws: a value it cannot capture becomes an error leaf', () => {
    let list: Record<string, unknown> = { end: true };
    for (let i = 0; i < 100_000; i++) list = { next: list };
    const v = captureValue('list', list, limits({ depth: Infinity, bytes: Infinity }));
    let node = v;
    while (node.children !== undefined) node = node.children[0]!;
    assert.equal(node.type, 'error');
    // Near the stack's end even reading the error can fail: then the marker is the generic one.
    assert.match(node.value, /^<(RangeError: Maximum call stack size exceeded|capture failed)>$/);
  });
});
