// Reading the conformance data (protocol/conformance) every agent shares:
// the cases of one file, whether a case is this agent's to run, and the
// notation the files write long texts in (see the README there).

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
