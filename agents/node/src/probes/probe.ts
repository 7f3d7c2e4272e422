// One installed probe as the engine tracks it, whatever its kind. A probe
// set on an original source that several scripts were built from has one
// copy per extra script: same slot, same counter, placed elsewhere.

import type { EditorLine } from './line-match.js';
import type { CompiledProbe } from './probe-code.js';
import type { NamedPosition } from './source-maps.js';
import type { PatcherListener, ScriptPatcher } from './script-patcher.js';
import type { AnySpec, HitCounter, ProbeSpec, ReasonCode } from './types.js';

export interface Probe {
  readonly spec: ProbeSpec;
  /** Line in the script it is installed in: the spec's, or where a source map put it. */
  line: number;
  column?: number;
  /** The editor's line and its context (set on the probe the user's line places, not on copies or a tic-toc's end). */
  editorLine?: EditorLine;
  /** Where the probe went instead of the editor's line, and why (a running file that differs). */
  movedNote?: string;
  /** A tic-toc's end: moved by as many lines as its start was (see PatchTarget.follows). */
  follows?: { readonly of: Probe; readonly asked: number };
  /** The functions around its place, innermost first, once staged in a script. */
  functions?: readonly string[];
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
  /** A tic-toc's end: a probe of its own (same slot, same counter) at the end line, placed wherever this one is. */
  end?: Probe;
  /** Set on an end: the probe whose span it ends, which holds the state. */
  endOf?: Probe;
}

export const ownerOf = (p: Probe): Probe => p.parent ?? p;

export function newProbe(spec: ProbeSpec, compiled: CompiledProbe, counter: HitCounter): Probe {
  const editorLine = spec.editorLine && { line: spec.line, ...spec.editorLine };
  return { spec, line: spec.line, editorLine, compiled, slot: -1, counter, removed: false, activeHow: '', activeCode: 'installed', copies: [] };
}

/** The probe's second site (a tic-toc's end) at `line` of the same file, with its own code. */
export function endOf(probe: Probe, line: number, compiled: CompiledProbe): Probe {
  const end: Probe = { ...newProbe(probe.spec, compiled, probe.counter), line, editorLine: undefined, follows: { of: probe, asked: line }, slot: probe.slot, endOf: probe };
  probe.end = end;
  return end;
}

/** The line the user asked for at this probe: the spec's, or its end line. */
export const askedLine = (p: Probe): number => (p.endOf !== undefined ? (p.spec as { endLine: number }).endLine : p.spec.line);

export function copyOf(parent: Probe): Probe {
  const copy: Probe = { ...newProbe(parent.spec, parent.compiled, parent.counter), line: parent.line, editorLine: undefined, slot: parent.slot, parent };
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

/** How a script's patcher tells the engine of its probes: copies and tic-toc ends speak through the probe that holds the state. */
export function patcherListener(
  report: (probe: Probe, state: 'active' | 'pending', reason: string, code: ReasonCode) => void,
  fail: (probe: Probe, reason: string, code: ReasonCode) => void,
): PatcherListener<Probe> {
  return {
    // A tic-toc's end says nothing while it works: its start holds the state.
    active: (probe, how, code) => ownerOf(probe).endOf ?? report(ownerOf(probe), 'active', how, code),
    // A copy that cannot go in leaves the parent's state as it is; an end that cannot fails its start.
    failed: (probe, reason, code) => (probe.parent ? dropCopy(probe) : probe.endOf ? fail(probe.endOf, `the end line: ${reason}`, code) : fail(probe, reason, code)),
    waiting: (probe, reason) => report(ownerOf(probe), 'pending', reason, 'runtime-refused'),
  };
}
