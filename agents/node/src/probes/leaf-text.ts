// The text a snapshot shows for a value with no children (a primitive, a
// function, a Date, a RegExp, an error's summary…) and the type name of any
// value, read as safe-inspect.ts reads them: through descriptors and built-ins
// taken at load, never with toString, valueOf or Symbol.toStringTag, and cut
// to a length before anything reads past it (text-limits.ts). capture.ts
// builds the trees.

import { types } from 'node:util';
import { Marker } from './safe-ops.js';
import { call, className, dateIso, dateTime, regexpSource, stringData } from './safe-inspect.js';
import { cutAt, MAX_READ_CHARS, shorten, unreadString } from './text-limits.js';

const { isProxy, isMap, isSet, isDate, isRegExp, isNativeError, isPromise, isTypedArray, isArrayBuffer, isWeakMap, isWeakSet, isBoxedPrimitive } = types;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const isArray = Array.isArray;
const symbolDescription = getOwnDescriptor(Symbol.prototype, 'description')!.get!;
const bufferByteLength = getOwnDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!;
/** The flag getters read the regexp's own slots; RegExp.prototype.flags would read them through the object. */
const REGEXP_FLAGS: (readonly [string, unknown])[] = (
  [['d', 'hasIndices'], ['g', 'global'], ['i', 'ignoreCase'], ['m', 'multiline'], ['s', 'dotAll'], ['u', 'unicode'], ['v', 'unicodeSets'], ['y', 'sticky']] as const
)
  .map(([flag, key]) => [flag, getOwnDescriptor(RegExp.prototype, key)?.get] as const)
  .filter(([, get]) => get !== undefined);

export const NULL_PROTOTYPE = '[Object: null prototype]';
/** `left` of a cut whose size is not known. */
export const UNKNOWN = -1;
/** A bigint under this is printed (at most 1024 digits): converting one to decimal costs more than linear time. */
const BIGINT_BOUND = 10n ** 1024n;

/** Text as shown, and how much was left out of it (0: nothing, UNKNOWN: some). */
export type Cut = [text: string, left: number];

/** s as shown within max characters, and how many characters were left out. */
export function cut(s: string, max: number): Cut {
  if (s.length <= max) return [s, 0];
  if (s.length > MAX_READ_CHARS) return [unreadString(s.length), s.length];
  const kept = cutAt(s, max);
  return [`${kept}…`, s.length - kept.length];
}

/** The type and text of a primitive; undefined for objects and functions. */
export function primitiveLeaf(v: unknown, max: number): [type: string, ...Cut] | undefined {
  switch (typeof v) {
    case 'string':
      return ['string', ...cut(v, max)];
    case 'number':
      return ['number', v === 0 && 1 / v < 0 ? '-0' : '' + v, 0];
    case 'bigint':
      if (v >= BIGINT_BOUND || v <= -BIGINT_BOUND) return ['bigint', '<bigint of over 1024 digits, not read>', UNKNOWN];
      return ['bigint', ...cut(`${v}n`, max)];
    case 'boolean':
      return ['boolean', v ? 'true' : 'false', 0];
    case 'undefined':
      return ['undefined', 'undefined', 0];
    case 'symbol': {
      // The description through the built-in getter: String(symbol) would copy all of it first.
      const [text, left] = cut((call(symbolDescription, v) as string | undefined) ?? '', max);
      return ['symbol', `Symbol(${text})`, left];
    }
    default:
      return v === null ? ['null', 'null', 0] : undefined;
  }
}

export function functionText(f: object, max: number): string {
  const name = stringData(f, 'name');
  return name ? `[Function: ${shorten(name, max)}]` : '[Function (anonymous)]';
}

function kind(o: object): string {
  if (isArray(o)) return 'Array';
  if (isMap(o)) return 'Map';
  if (isSet(o)) return 'Set';
  if (isDate(o)) return 'Date';
  if (isRegExp(o)) return 'RegExp';
  if (isNativeError(o)) return 'Error';
  if (isPromise(o)) return 'Promise';
  return isTypedArray(o) ? 'TypedArray' : 'Object';
}

/** The class an object was made by (className: read without getters), else the kind of built-in it is. */
export function classType(o: object, cls: string, max: number): string {
  return (cls === NULL_PROTOTYPE ? '' : shorten(cls, max)) || kind(o);
}

/** The type name of any value, as a snapshot shows it. */
export function typeOf(v: unknown, max: number): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  if (Marker.is(v)) return 'error';
  return isProxy(v) ? 'Proxy' : classType(v, className(v), max);
}

/** The text of an object with no children to show (a Date, a RegExp, a Promise…), or undefined for one that has them. */
export function objectLeaf(o: object, type: string, max: number): Cut | undefined {
  if (isDate(o)) {
    const t = call(dateTime, o) as number;
    return [t !== t ? 'Invalid Date' : (call(dateIso, o) as string), 0];
  }
  if (isRegExp(o)) {
    const [source, left] = cut(call(regexpSource, o) as string, max);
    let flags = '';
    for (const [flag, get] of REGEXP_FLAGS) if (call(get, o) === true) flags += flag;
    return [`/${source}/${flags}`, left];
  }
  if (isPromise(o)) return [`${type} {…}`, 0];
  if (isWeakMap(o) || isWeakSet(o)) return [`${type} { <items unknown> }`, 0];
  if (isArrayBuffer(o)) return [`${type}(${call(bufferByteLength, o) as number})`, 0];
  if (isBoxedPrimitive(o)) return [`[${type}]`, 0];
  return undefined;
}

/** "name: message" of a native error, both read through descriptors, and the characters cut from them. */
export function errorText(e: object, cls: string, max: number): Cut {
  const [message, messageLeft] = cut(stringData(e, 'message') ?? '', max);
  const [name, nameLeft] = cut(stringData(e, 'name') ?? '', max);
  const shown = name || (cls === NULL_PROTOTYPE ? '' : shorten(cls, max)) || 'Error';
  return [message ? `${shown}: ${message}` : shown, messageLeft + nameLeft];
}
