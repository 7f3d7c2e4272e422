// The operations generated probe code calls instead of plain JavaScript
// operators, so that evaluating an expression never runs program code:
// property reads go through property descriptors (a getter runs only as the
// checked copy getter-reads.ts makes of it, else it is reported; a Proxy is
// reported, its traps never fire), and operators that would call
// valueOf/toString on an object refuse it.
//
// A value that cannot be produced safely becomes a Marker: it prints as its
// text and makes any operator applied to it fail with itself, so one bad
// sub-expression yields a readable marker instead of a lost line.

import { types } from 'node:util';
import { readThroughGetter } from './getter-reads.js';
import { Marker } from './marker.js';
import { shorten } from './text-limits.js';

export { Marker };

const { isProxy } = types;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.hasOwn;
/** An error's message or name in a marker is cut like any value. */
const MAX_ERROR_FIELD = 255;

export const PROXY = new Marker('[proxy]');
/** A getter the program put on globalThis. */
const GLOBAL_GETTER = new Marker('[getter]');
const OBJECT_OPERAND = new Marker('<operator on an object refused: it would run valueOf/toString>');
const OBJECT_KEY = new Marker('<object used as a property key refused: it would run toString>');
const CUSTOM_HAS_INSTANCE = new Marker('<instanceof refused: the class has a custom Symbol.hasInstance>');

/** Ends an optional chain (a?.b.c) whose base was nullish; ch() turns it into undefined. */
const SHORT_CIRCUIT: object = Object.freeze(Object.create(null));

function isObject(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

function checkKey(k: unknown): PropertyKey {
  if (isObject(k)) throw Marker.is(k) ? k : OBJECT_KEY;
  return k as PropertyKey; // primitives convert to keys without running program code
}

/** Own or inherited data property; an accessor's value when its getter is safe to follow (see getter-reads.ts), else a marker saying why not; PROXY on a proxy in the chain. */
function lookup(start: object, key: PropertyKey): unknown {
  for (let o: object | null = start; o !== null; o = getPrototypeOf(o) as object | null) {
    if (isProxy(o)) return PROXY;
    const d = getOwnDescriptor(o, key);
    // hasOwn: a descriptor is a plain object, and Object.prototype may hold a program's accessor named value or get.
    if (d === undefined) continue;
    if (hasOwn(d, 'value')) return d.value;
    return hasOwn(d, 'get') && typeof d.get === 'function' ? readThroughGetter(d.get, start) : undefined;
  }
  return undefined;
}

/**
 * Node's own global accessors (process, Buffer, fetch, …) as they were when
 * the agent loaded, before the program ran: those getters are Node's code and
 * may run; any other getter on globalThis is the program's and never does.
 */
const NODE_GLOBAL_GETTERS = new Map<string, () => unknown>();
const apply = Reflect.apply;
for (const key of Reflect.ownKeys(globalThis)) {
  const d = typeof key === 'string' ? getOwnDescriptor(globalThis, key) : undefined;
  if (d !== undefined && typeof d.get === 'function') NODE_GLOBAL_GETTERS.set(key as string, d.get);
}

/** A global name's value, read through its descriptor (only Node's own getters run); not defined: a ReferenceError, as a plain read gives. */
export function gv(name: string): unknown {
  for (let o: object | null = globalThis; o !== null; o = getPrototypeOf(o) as object | null) {
    if (isProxy(o)) return PROXY;
    const d = getOwnDescriptor(o, name);
    if (d === undefined) continue;
    if (hasOwn(d, 'value')) return d.value;
    const nodes = NODE_GLOBAL_GETTERS.get(name);
    return o === globalThis && nodes !== undefined && d.get === nodes ? apply(nodes, globalThis, []) : d.get === undefined ? undefined : GLOBAL_GETTER;
  }
  throw new ReferenceError(`${name} is not defined`);
}

/** obj.key / obj[key] / obj?.key (optional = 1). */
export function g(o: unknown, k: unknown, optional?: 1): unknown {
  if (o === SHORT_CIRCUIT) return o;
  if (o === null || o === undefined) {
    if (optional === 1) return SHORT_CIRCUIT;
    throw new TypeError(`Cannot read properties of ${o} (reading '${String(checkKey(k))}')`);
  }
  if (Marker.is(o)) return o;
  const key = checkKey(k);
  if (typeof o === 'string' && key === 'length') return o.length;
  return lookup(isObject(o) ? o : Object(o), key);
}

/** End of an optional chain. */
export function ch(v: unknown): unknown {
  return v === SHORT_CIRCUIT ? undefined : v;
}

/** Operand of an operator that would coerce an object: only primitives pass. */
export function p(v: unknown): unknown {
  if (isObject(v)) throw Marker.is(v) ? v : OBJECT_OPERAND;
  return v;
}

/** a == b without running valueOf/toString. */
export function eq(a: unknown, b: unknown): boolean {
  const ao = isObject(a);
  const bo = isObject(b);
  if (Marker.is(a)) throw a;
  if (Marker.is(b)) throw b;
  if (ao && bo) return a === b;
  if (ao) return b === null || b === undefined ? false : (p(a) as never);
  if (bo) return a === null || a === undefined ? false : (p(b) as never);
  return a == b;
}

/** key in obj, walking the chain without firing proxy traps. */
export function has(k: unknown, o: unknown): boolean | Marker {
  if (Marker.is(o)) throw o;
  if (!isObject(o)) throw new TypeError(`Cannot use 'in' operator to search for '${String(checkKey(k))}' in ${String(o)}`);
  const key = checkKey(k);
  for (let c: object | null = o; c !== null; c = getPrototypeOf(c) as object | null) {
    if (isProxy(c)) return PROXY;
    if (hasOwn(c, key)) return true;
  }
  return false;
}

const defaultHasInstance = Function.prototype[Symbol.hasInstance];

/** v instanceof C with the ordinary algorithm only (no custom Symbol.hasInstance, no traps). */
export function inst(v: unknown, C: unknown): boolean | Marker {
  if (Marker.is(C)) throw C;
  if (typeof C !== 'function') throw new TypeError("Right-hand side of 'instanceof' is not callable");
  if (isProxy(C)) return PROXY;
  const custom = lookup(C, Symbol.hasInstance);
  if (custom !== defaultHasInstance) throw Marker.is(custom) ? custom : CUSTOM_HAS_INSTANCE;
  const proto = lookup(C, 'prototype');
  if (Marker.is(proto)) throw proto;
  if (!isObject(proto)) throw new TypeError("Function has non-object prototype in instanceof check");
  if (!isObject(v) || Marker.is(v)) return false;
  for (let o: object | null = v; ; ) {
    if (isProxy(o)) return PROXY;
    o = getPrototypeOf(o) as object | null;
    if (o === null) return false;
    if (o === proto) return true;
  }
}

/** Condition value: a marker means the condition could not be evaluated. */
export function c(v: unknown): unknown {
  if (Marker.is(v)) throw v;
  return v;
}

/** Data property of a native error, read without getters, cut to what a line shows. */
function errorField(e: object, key: string): string {
  const v = lookup(e, key);
  return typeof v === 'string' ? shorten(v, MAX_ERROR_FIELD) : '';
}

/** A caught exception as a marker value for the log line. */
export function m(e: unknown): Marker {
  if (Marker.is(e)) return e;
  if (!isObject(e) || isProxy(e)) return new Marker(`<threw ${isObject(e) ? 'a proxy' : shorten(String(e), MAX_ERROR_FIELD)}>`);
  const message = errorField(e, 'message');
  if (/ is not defined$/.test(message)) return new Marker(`<${message}>`);
  const name = errorField(e, 'name') || 'Error';
  return new Marker(`<${name}: ${message}>`);
}
