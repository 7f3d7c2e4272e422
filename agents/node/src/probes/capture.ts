// Turns values into bounded trees for a snapshot (a frame's locals, watch
// expressions) under the rules of safe-inspect.ts. No program code runs:
// properties are read through their descriptors (accessors show as
// [getter]/[setter], never called), proxies are never looked into, Map, Set,
// Date, RegExp and typed arrays are read with built-ins taken at load, and
// nothing is converted with toString, valueOf or Symbol.toStringTag. The cost
// is bounded whatever the value: strings are cut before they are read
// (text-limits.ts), a huge object's keys are listed once (own-keys.ts), no
// collection is walked past its limit, and all the trees of one capture share
// one byte budget. Nothing throws: what cannot be read becomes a marker.

import { types } from 'node:util';
import { classType, errorText, functionText, objectLeaf, primitiveLeaf, typeOf, UNKNOWN, type Cut } from './leaf-text.js';
import { keysToShow } from './own-keys.js';
import { m as markerFor, Marker } from './safe-ops.js';
import { call, className, mapForEach, mapSize, safeInspect, setForEach, setSize, typedArrayLength } from './safe-inspect.js';
import { shorten, wellFormed } from './text-limits.js';

const { isProxy, isMap, isSet, isNativeError, isTypedArray } = types;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const hasOwn = Object.hasOwn;
const isArray = Array.isArray;
const getPrototypeOf = Object.getPrototypeOf;
const ObjectPrototype = Object.prototype;
const ArrayPrototype = Array.prototype;

export interface CaptureLimits {
  depth: number;
  fields: number;
  items: number;
  stringLength: number;
  bytes: number;
}

export const DEFAULT_CAPTURE_LIMITS: CaptureLimits = { depth: 3, fields: 20, items: 100, stringLength: 255, bytes: 32 * 1024 };

export interface CapturedVariable {
  name: string;
  /** 'string' | 'number' | 'boolean' | 'undefined' | 'null' | 'bigint' | 'symbol' | 'function', a class name read without getters ('Object', 'Array', 'Map', 'Cart'…), 'Proxy', 'accessor' or 'error' (a Marker, or a value that could not be read). */
  type: string;
  /** Leaves: the value as text (strings unquoted, cut and marked with …). Containers: a summary ('Array(3)', 'Map(2)', 'Cart {…}'). */
  value: string;
  children?: CapturedVariable[];
  /** Something was cut here: a string shortened, fields or items past the limit, the depth reached or the byte budget spent. */
  truncated?: boolean;
  /** How much was left out when truncated: characters of a string, or fields/items not shown. Omitted when unknown. */
  left?: number;
}

const STOP: unique symbol = Symbol('stop');

class Walk {
  used = 0;
  /** The byte budget ran out before everything was captured. */
  cut = false;
  /** The objects being expanded, from the root down: a cycle is one of these met again. */
  readonly seen = new Set<object>();
  constructor(readonly limits: CaptureLimits) {}
  get spent(): boolean {
    return this.used >= this.limits.bytes;
  }
  emit(name: string, type: string, value: string): CapturedVariable {
    this.used += name.length + type.length + value.length;
    return { name: wellFormed(name), type: wellFormed(type), value: wellFormed(value) };
  }
}

/** Marks the node cut when anything was left out (left > 0, or UNKNOWN). */
function mark(node: CapturedVariable, left: number): CapturedVariable {
  if (left === 0) return node;
  node.truncated = true;
  if (left > 0) node.left = left;
  return node;
}

/** Captures named values into trees sharing one byte budget; those past it come back as truncated leaves with value ''. `truncated`: the budget ran out before everything was captured. */
export function captureAll(
  entries: readonly (readonly [name: string, value: unknown])[],
  limits: CaptureLimits = DEFAULT_CAPTURE_LIMITS,
): { variables: CapturedVariable[]; truncated: boolean } {
  const w = new Walk(limits);
  const variables: CapturedVariable[] = [];
  for (const [name, value] of entries) {
    const shown = shorten(name, limits.stringLength);
    if (!w.spent) {
      variables.push(capture(shown, value, 0, w));
      continue;
    }
    w.cut = true;
    let type = 'error';
    try {
      type = typeOf(value, limits.stringLength);
    } catch {
      // the type is only a courtesy here
    }
    variables.push(mark(w.emit(shown, type, ''), UNKNOWN));
  }
  return { variables, truncated: w.cut };
}

export function captureValue(name: string, value: unknown, limits: CaptureLimits = DEFAULT_CAPTURE_LIMITS): CapturedVariable {
  return captureAll([[name, value]], limits).variables[0]!;
}

/** One node and what is under it; a failure (a stack overflow, an exotic object refusing a read) becomes an 'error' leaf. */
function capture(name: string, v: unknown, depth: number, w: Walk): CapturedVariable {
  try {
    return build(name, v, depth, w);
  } catch (err) {
    let text = '<capture failed>';
    try {
      text = markerFor(err).text;
    } catch {
      // keep the generic text
    }
    return w.emit(name, 'error', text);
  }
}

function build(name: string, v: unknown, depth: number, w: Walk): CapturedVariable {
  const max = w.limits.stringLength;
  const primitive = primitiveLeaf(v, max);
  if (primitive !== undefined) return mark(w.emit(name, primitive[0], primitive[1]), primitive[2]);
  const o = v as object;
  if (Marker.is(o)) return w.emit(name, 'error', o.text);
  if (isProxy(o)) return w.emit(name, 'Proxy', '[proxy]');
  if (typeof o === 'function') return w.emit(name, 'function', functionText(o, max));
  // The common cases skip the dozen built-in type checks below: a plain object literal and a plain array.
  const proto = getPrototypeOf(o);
  const plain = proto === ObjectPrototype ? 'Object' : proto === ArrayPrototype && isArray(o) ? 'Array' : undefined;
  const cls = plain === undefined ? className(o) : '';
  const type = plain ?? classType(o, cls, max);
  if (w.seen.has(o)) return w.emit(name, type, '[circular]');
  if (plain === 'Object') return fields(name, type, o, '', undefined, depth, w);
  if (plain === 'Array') return indexed(name, type, o, arrayLength(o), depth, w);
  // `this` of every plain call in sloppy code: its fields are the runtime's, never the program's state, and reading them costs more than the rest of a hit.
  if (o === globalThis) return w.emit(name, type, '[globalThis]');
  const leaf = objectLeaf(o, type, max);
  if (leaf !== undefined) return mark(w.emit(name, type, leaf[0]), leaf[1]);
  if (isArray(o)) return indexed(name, type, o, arrayLength(o), depth, w);
  if (isTypedArray(o)) return indexed(name, type, o, call(typedArrayLength, o) as number, depth, w);
  if (isMap(o)) return entries(name, type, o, call(mapSize, o) as number, true, depth, w);
  if (isSet(o)) return entries(name, type, o, call(setSize, o) as number, false, depth, w);
  const prefix = cls ? `${shorten(cls, max)} ` : '';
  return fields(name, type, o, prefix, isNativeError(o) ? errorText(o, cls, max) : undefined, depth, w);
}

function arrayLength(o: object): number {
  const d = getOwnDescriptor(o, 'length');
  return d !== undefined && typeof d.value === 'number' ? d.value : 0;
}

/** A container at the depth limit or past the budget is not expanded (a cut by the budget is noted). */
function stops(depth: number, w: Walk): boolean {
  if (depth >= w.limits.depth) return true;
  if (!w.spent) return false;
  w.cut = true;
  return true;
}

/** Children 0..shown-1 of a container (child(i) undefined: skip it), stopping when the budget is spent; what was not shown is counted in left. */
function fill(node: CapturedVariable, o: object, total: number, shown: number, child: (i: number) => CapturedVariable | undefined, w: Walk): CapturedVariable {
  const children: CapturedVariable[] = [];
  let i = 0;
  w.seen.add(o);
  try {
    for (; i < shown && !w.spent; i++) {
      const c = child(i);
      if (c !== undefined) children.push(c);
    }
  } finally {
    w.seen.delete(o);
  }
  if (i < shown) w.cut = true;
  node.children = children;
  return mark(node, total - i);
}

/** A property read through its descriptor: an accessor shows as a marker and is not called. */
function property(name: string, d: PropertyDescriptor | undefined, absent: string, depth: number, w: Walk): CapturedVariable {
  if (d === undefined) return w.emit(name, 'undefined', absent);
  // hasOwn, not `in`: the descriptor is a plain object, and its prototype is the program's.
  if (hasOwn(d, 'value')) return capture(name, d.value, depth, w);
  return w.emit(name, 'accessor', d.get === undefined && d.set !== undefined ? '[setter]' : '[getter]');
}

/** Arrays and typed arrays: items by index, holes shown as <empty>. */
function indexed(name: string, type: string, o: object, length: number, depth: number, w: Walk): CapturedVariable {
  const node = w.emit(name, type, `${type}(${length})`);
  if (length === 0) return node;
  if (stops(depth, w)) return mark(node, length);
  const shown = Math.min(length, w.limits.items);
  return fill(node, o, length, shown, (i) => property('' + i, getOwnDescriptor(o, i), '<empty>', depth + 1, w), w);
}

/** Maps (children named by the key as text) and Sets (by position), read with Map/Set.prototype.forEach taken at load. */
function entries(name: string, type: string, o: object, size: number, pairs: boolean, depth: number, w: Walk): CapturedVariable {
  const node = w.emit(name, type, `${type}(${size})`);
  if (size === 0) return node;
  if (stops(depth, w)) return mark(node, size);
  const max = Math.min(size, w.limits.items);
  const keys: unknown[] = [];
  const values: unknown[] = [];
  try {
    call(pairs ? mapForEach : setForEach, o, (value: unknown, key: unknown) => {
      if (values.length >= max) throw STOP; // a huge collection is not walked to its end
      keys.push(key);
      values.push(value);
    });
  } catch (err) {
    if (err !== STOP) throw err;
  }
  const limit = w.limits.stringLength;
  return fill(node, o, size, values.length, (i) => capture(pairs ? keyText(keys[i], limit) : '' + i, values[i], depth + 1, w), w);
}

/** A Map key as a child's name: a string as it is, anything else as safe-inspect renders it. */
function keyText(key: unknown, max: number): string {
  if (typeof key === 'string') return shorten(key, max);
  try {
    return shorten(safeInspect(key, { depth: 1, fields: 5, items: 5, stringLength: max, budget: max }), max);
  } catch {
    return '<key not readable>';
  }
}

/** Objects and errors: own enumerable string keys (symbol keys are not shown), at most `fields` of them. */
function fields(name: string, type: string, o: object, prefix: string, error: Cut | undefined, depth: number, w: Walk): CapturedVariable {
  // Not expanded: the keys are not listed just to count them (a million keys take about a second).
  if (stops(depth, w)) return mark(w.emit(name, type, error?.[0] ?? `${prefix}{…}`), UNKNOWN);
  const { keys, total, earlier } = keysToShow(o, w.limits.fields);
  const node = mark(w.emit(name, type, error?.[0] ?? (total === 0 ? `${prefix}{}` : `${prefix}{…}`)), error?.[1] ?? 0);
  if (total === 0) return node;
  const shown = Math.min(keys.length, w.limits.fields);
  const max = w.limits.stringLength;
  return fill(node, o, total, shown, (i) => {
    const key = keys[i]!;
    const d = getOwnDescriptor(o, key);
    return d === undefined && earlier ? undefined : property(shorten(key, max), d, 'undefined', depth + 1, w); // deleted since listed: skipped
  }, w);
}
