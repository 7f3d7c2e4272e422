// One installed probe as the engine tracks it, whatever its kind. A probe
// set on an original source that several scripts were built from has one
// copy per extra script: same slot, same counter, placed elsewhere.

import type { CompiledProbe } from './probe-code.js';
import type { NamedPosition } from './source-maps.js';
import type { ScriptPatcher } from './script-patcher.js';
import type { AnySpec, HitCounter, ProbeSpec, ReasonCode } from './types.js';

export interface Probe {
  readonly spec: ProbeSpec;
  /** Line in the script it is installed in: the spec's, or where a source map put it. */
  line: number;
  column?: number;
  /** `file:line` the user asked for, when a source map moved the probe to another script. */
  origin?: string;
  /** From the source map that moved it: identifiers the build renamed, where their generated names start. */
  renames?: readonly NamedPosition[];
  readonly compiled: CompiledProbe;
  readonly slot: number;
  readonly counter: HitCounter;
  removed: boolean;
  /** The file waited for or installed in. */
  path?: string;
  patcher?: ScriptPatcher<Probe>;
  /** How the probe was last reported active, to say again when it resumes after a pause. */
  activeHow: string;
  activeCode: ReasonCode;
  /**
   * Set on a copy: the same probe (same slot, same counter) placed in one
   * more script built from the same source. The parent holds the state.
   */
  parent?: Probe;
  /** On a parent: its copies in other scripts. */
  copies: Probe[];
}

export const ownerOf = (p: Probe): Probe => p.parent ?? p;

export function newProbe(spec: ProbeSpec, compiled: CompiledProbe, counter: HitCounter): Probe {
  return { spec, line: spec.line, compiled, slot: -1, counter, removed: false, activeHow: '', activeCode: 'installed', copies: [] };
}

export function copyOf(parent: Probe): Probe {
  const copy: Probe = { ...newProbe(parent.spec, parent.compiled, parent.counter), line: parent.line, slot: parent.slot, parent };
  parent.copies.push(copy);
  return copy;
}

export function dropCopy(copy: Probe): void {
  const siblings = copy.parent!.copies;
  siblings.splice(siblings.indexOf(copy), 1);
}

/** The same probe, asked for again: every field equal (the gateway resends everything after a reconnect). */
export function sameSpec(a: AnySpec, b: AnySpec): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => Object.is(x[k], y[k]));
}
