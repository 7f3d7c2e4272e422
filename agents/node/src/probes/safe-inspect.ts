// Renders any value as one line of text without running program code:
// properties are read through descriptors (getters show as [Getter]),
// proxies are never looked into, collections are walked with the built-in
// methods taken before any program could replace them, and nothing is ever
// converted by calling toString or valueOf. util.inspect comes close but reads
// Symbol.toStringTag and an error's name and message with plain property reads,
// which run getters. Its cost is bounded by the limits, whatever the value:
// strings are cut before anything else reads them, and a huge object's keys
// are listed once (own-keys.ts).

import { types } from 'node:util';
import { keysToShow } from './own-keys.js';
import { Marker } from './safe-ops.js';
import { cutAt, MAX_READ_CHARS, shorten, unreadString } from './text-limits.js';

const { isProxy, isMap, isSet, isDate, isRegExp, isNativeError, isPromise, isTypedArray, isArrayBuffer, isWeakMap, isWeakSet, isBoxedPrimitive } = types;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
// Descriptors are plain objects: `'value' in d` or `d.get` would consult Object.prototype, where a program may have put an accessor.
const hasOwn = Object.hasOwn;
const getPrototypeOf = Object.getPrototypeOf;
const isArray = Array.isArray;
const mapForEach = Map.prototype.forEach;
const setForEach = Set.prototype.forEach;
const mapSize = getOwnDescriptor(Map.prototype, 'size')!.get!;
const setSize = getOwnDescriptor(Set.prototype, 'size')!.get!;
const dateTime = Date.prototype.getTime;
const dateIso = Date.prototype.toISOString;
const regexpSource = getOwnDescriptor(RegExp.prototype, 'source')!.get!;
const typedArrayLength = getOwnDescriptor(getPrototypeOf(Uint8Array.prototype) as object, 'length')!.get!;
const call = Function.prototype.call.bind(Function.prototype.call) as (fn: unknown, self: unknown, ...args: unknown[]) => unknown;

export interface InspectLimits {
  depth: number;
  fields: number;
  items: number;
  stringLength: number;
  /** Stop building past this many characters (the caller cuts and marks). */
  budget: number;
}

export const DEFAULT_LIMITS: InspectLimits = { depth: 3, fields: 20, items: 100, stringLength: 255, budget: 300 };

const STOP: unique symbol = Symbol('stop');

class Out {
  text = '';
  constructor(readonly budget: number) {}
  get full(): boolean {
    return this.text.length > this.budget;
  }
  add(s: string): void {
    this.text += s;
  }
}

function isObject(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

/** A data property, or the marker text for an accessor; undefined when absent. */
function dataProperty(o: object, key: PropertyKey): { value: unknown } | { accessor: true } | undefined {
  for (let c: object | null = o; c !== null; c = getPrototypeOf(c) as object | null) {
    if (isProxy(c)) return undefined;
    const d = getOwnDescriptor(c, key);
    if (d !== undefined) return hasOwn(d, 'value') ? { value: d.value } : { accessor: true };
  }
  return undefined;
}

function stringData(o: object, key: PropertyKey): string | undefined {
  const p = dataProperty(o, key);
  const v = p !== undefined && hasOwn(p, 'value') ? (p as { value: unknown }).value : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Class names by prototype: read once, as a snapshot meets the same classes on every hit. */
const CLASS_NAMES = new WeakMap<object, string>();

/** The name of the class an object was made by, read without getters; '' for Object. */
function className(o: object): string {
  const proto = getPrototypeOf(o) as object | null;
  if (proto === null) return '[Object: null prototype]';
  let name = CLASS_NAMES.get(proto);
  if (name === undefined) {
    name = protoClassName(proto);
    CLASS_NAMES.set(proto, name);
  }
  return name;
}

function protoClassName(proto: object): string {
  if (isProxy(proto)) return '';
  const found = dataProperty(proto, 'constructor');
  const ctor = found !== undefined && hasOwn(found, 'value') ? (found as { value: unknown }).value : undefined;
  if (typeof ctor !== 'function') return '';
  const name = stringData(ctor, 'name') ?? '';
  return name === 'Object' ? '' : name;
}

/** Characters a quoted string escapes; most strings have none, so the test comes first. Hoisted: this runs per value on every hit. */
const TO_ESCAPE = /[\\'\n\r\t]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

function quote(s: string, limit: number): string {
  if (s.length > MAX_READ_CHARS) return unreadString(s.length);
  const cut = s.length > limit ? `${cutAt(s, limit)}…` : s;
  TO_ESCAPE.lastIndex = 0;
  return TO_ESCAPE.test(cut) ? `'${cut.replace(TO_ESCAPE, (c) => ESCAPED[c]!)}'` : `'${cut}'`;
}

function primitive(v: unknown, limits: InspectLimits, nested: boolean): string | undefined {
  switch (typeof v) {
    case 'string':
      return nested ? quote(v, limits.stringLength) : v.length > MAX_READ_CHARS ? unreadString(v.length) : v;
    case 'number':
      return v === 0 && 1 / v < 0 ? '-0' : '' + v;
    case 'bigint':
      return `${v}n`;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return String(v); // String() on a symbol reads no property of the program's
    default:
      return v === null ? 'null' : undefined;
  }
}

export function safeInspect(value: unknown, limits: InspectLimits = DEFAULT_LIMITS): string {
  const out = new Out(limits.budget);
  write(value, 0, new Set(), out, limits, false);
  return out.text;
}

function write(v: unknown, depth: number, seen: Set<object>, out: Out, limits: InspectLimits, nested: boolean): void {
  const p = primitive(v, limits, nested);
  if (p !== undefined) return out.add(p);
  const o = v as object;
  if (Marker.is(o)) return out.add(o.text);
  if (isProxy(o)) return out.add('[proxy]');
  if (typeof o === 'function') {
    const name = stringData(o, 'name');
    return out.add(name ? `[Function: ${shorten(name, limits.stringLength)}]` : '[Function (anonymous)]');
  }
  if (seen.has(o)) return out.add('[Circular]');
  const name = shorten(className(o), limits.stringLength);
  if (isDate(o)) {
    const t = call(dateTime, o) as number;
    return out.add(Number.isNaN(t) ? 'Invalid Date' : (call(dateIso, o) as string));
  }
  if (isRegExp(o)) return out.add(`/${shorten(call(regexpSource, o) as string, limits.stringLength)}/`);
  if (isNativeError(o)) {
    const message = shorten(stringData(o, 'message') ?? '', limits.stringLength);
    return out.add(`${shorten(stringData(o, 'name') ?? '', limits.stringLength) || name || 'Error'}${message ? `: ${message}` : ''}`);
  }
  if (isPromise(o)) return out.add(`${name || 'Promise'} { … }`);
  if (isWeakMap(o) || isWeakSet(o)) return out.add(`${name || (isWeakMap(o) ? 'WeakMap' : 'WeakSet')} { <items unknown> }`);
  if (isTypedArray(o)) return out.add(`${name}(${call(typedArrayLength, o) as number}) [ … ]`);
  if (isArrayBuffer(o)) return out.add(`${name || 'ArrayBuffer'} { … }`);
  if (isBoxedPrimitive(o)) return out.add(`[${name || 'Object'}]`);
  const array = isArray(o);
  if (depth >= limits.depth) {
    return out.add(array ? '[Array]' : isMap(o) ? '[Map]' : isSet(o) ? '[Set]' : `[${name || 'Object'}]`);
  }
  seen.add(o);
  if (array) writeArray(o as unknown[], depth, seen, out, limits);
  else if (isMap(o)) writeMap(o as Map<unknown, unknown>, name, depth, seen, out, limits);
  else if (isSet(o)) writeSet(o as Set<unknown>, name, depth, seen, out, limits);
  else writeObject(o, name, depth, seen, out, limits);
  seen.delete(o);
}

function writeArray(a: unknown[], depth: number, seen: Set<object>, out: Out, limits: InspectLimits): void {
  const lengthDescriptor = getOwnDescriptor(a, 'length');
  const length = typeof lengthDescriptor?.value === 'number' ? lengthDescriptor.value : 0;
  if (length === 0) return out.add('[]');
  out.add('[ ');
  const shown = Math.min(length, limits.items);
  for (let i = 0; i < shown && !out.full; i++) {
    if (i > 0) out.add(', ');
    const d = getOwnDescriptor(a, i);
    if (d === undefined) out.add('<empty>');
    else if (hasOwn(d, 'value')) write(d.value, depth + 1, seen, out, limits, true);
    else out.add('[Getter]');
  }
  if (length > shown) out.add(`, … ${length - shown} more items`);
  out.add(' ]');
}

function writeEntries(
  label: string,
  size: number,
  forEach: (visit: (value: unknown, key: unknown) => void) => void,
  pairs: boolean,
  depth: number,
  seen: Set<object>,
  out: Out,
  limits: InspectLimits,
): void {
  out.add(`${label}(${size}) {`);
  let n = 0;
  try {
    forEach((value, key) => {
      // A huge collection is not walked to its end on every hit.
      if (n >= limits.items || out.full) throw STOP;
      out.add(n++ === 0 ? ' ' : ', ');
      if (pairs) {
        write(key, depth + 1, seen, out, limits, true);
        out.add(' => ');
      }
      write(value, depth + 1, seen, out, limits, true);
    });
  } catch (err) {
    if (err !== STOP) throw err;
  }
  if (size > n && !out.full) out.add(`, … ${size - n} more`);
  out.add(size > 0 ? ' }' : '}');
}

function writeMap(m: Map<unknown, unknown>, name: string, depth: number, seen: Set<object>, out: Out, limits: InspectLimits): void {
  const size = call(mapSize, m) as number;
  writeEntries(name || 'Map', size, (visit) => call(mapForEach, m, visit), true, depth, seen, out, limits);
}

function writeSet(s: Set<unknown>, name: string, depth: number, seen: Set<object>, out: Out, limits: InspectLimits): void {
  const size = call(setSize, s) as number;
  writeEntries(name || 'Set', size, (visit) => call(setForEach, s, visit), false, depth, seen, out, limits);
}

function writeObject(o: object, name: string, depth: number, seen: Set<object>, out: Out, limits: InspectLimits): void {
  const { keys, total, earlier } = keysToShow(o, limits.fields);
  const prefix = name ? `${name} ` : '';
  if (total === 0) return out.add(`${prefix}{}`);
  out.add(`${prefix}{ `);
  const shown = Math.min(keys.length, limits.fields);
  let written = 0;
  for (let i = 0; i < shown && !out.full; i++) {
    const key = keys[i]!;
    const d = getOwnDescriptor(o, key);
    if (d === undefined && earlier) continue; // deleted since it was listed
    if (written++ > 0) out.add(', ');
    out.add(key.length <= limits.stringLength && PLAIN_KEY.test(key) ? key : quote(key, limits.stringLength));
    out.add(': ');
    if (d === undefined) out.add('undefined');
    else if (hasOwn(d, 'value')) write(d.value, depth + 1, seen, out, limits, true);
    else out.add(d.set !== undefined && d.get === undefined ? '[Setter]' : '[Getter]');
  }
  if (total > shown) out.add(`${written > 0 ? ', ' : ''}… ${total - shown} more${earlier ? ' (keys as listed at an earlier hit)' : ''}`);
  out.add(' }');
}

// For capture.ts, which reads values for snapshots under the same rules.
export { call, className, dateIso, dateTime, mapForEach, mapSize, regexpSource, setForEach, setSize, stringData, typedArrayLength };
