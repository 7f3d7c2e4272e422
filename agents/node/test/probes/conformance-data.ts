// Reading the conformance data (protocol/conformance) every agent shares:
// the cases of one file, and whether a case is this agent's to run (see
// the README there).

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
