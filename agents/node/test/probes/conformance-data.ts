// Reading the conformance data (protocol/conformance) every agent shares:
// the cases of one file, whether a case is this agent's to run, and the
// notations the files write text and values in (see the README there).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFORMANCE } from './helpers.js';

/** The runtimes a case names; absent means every runtime. */
export type Runtime = 'node' | 'python' | 'jvm';

export interface CaseBase {
  name: string;
  runtimes?: Runtime[];
}

/** The cases of one file, those this agent runs (no `runtimes`, or one naming node). */
export function casesFor<T extends CaseBase>(file: string): T[] {
  const { cases } = JSON.parse(readFileSync(join(CONFORMANCE, file), 'utf8')) as { cases: T[] };
  return cases.filter((c) => c.runtimes === undefined || c.runtimes.includes('node'));
}

/** Text: a JSON string, a text repeated, or texts one after another. */
export type Text = string | { repeat: { text: string; times: number } } | { concat: Text[] };

export function textOf(t: Text): string {
  if (typeof t === 'string') return t;
  if ('repeat' in t) return t.repeat.text.repeat(t.repeat.times);
  if ('concat' in t) return t.concat.map(textOf).join('');
  throw new Error(`not text notation: ${JSON.stringify(t)}`);
}

/** A value any runtime can build: JSON says which kind it is. */
export type Value =
  | { str: Text }
  | { int: number }
  | { float: number }
  | { bool: boolean }
  | { null: true }
  | { undefined: true }
  | { list: Value[] }
  | { listOf: { times: number; item: Value } }
  | { map: [Text, Value][] };

const INTEGER_LIKE = /^(0|[1-9][0-9]*)$/;

/** The value as this runtime holds it: a map is a plain object, since that is what JavaScript programs pass around. */
export function valueOf(v: Value): unknown {
  if ('str' in v) return textOf(v.str);
  if ('int' in v) {
    if (!Number.isSafeInteger(v.int)) throw new Error(`int ${v.int} is not an exact integer`);
    return v.int;
  }
  if ('float' in v) return v.float;
  if ('bool' in v) return v.bool;
  if ('null' in v) return null;
  if ('undefined' in v) return undefined;
  if ('list' in v) return v.list.map(valueOf);
  if ('listOf' in v) return Array.from({ length: v.listOf.times }, () => valueOf(v.listOf.item));
  if ('map' in v) {
    const entries = v.map.map(([k, value]) => [textOf(k), valueOf(value)] as const);
    // A JavaScript object lists integer-like keys first, whatever the order they were added in.
    for (const [k] of entries) if (INTEGER_LIKE.test(k)) throw new Error(`map key ${JSON.stringify(k)} is integer-like`);
    return Object.fromEntries(entries); // defines each key, "__proto__" included, as an own property
  }
  throw new Error(`not value notation: ${JSON.stringify(v)}`);
}
