// Turns a ProbeSpec into the code that runs at the probed line: checks the
// format and condition (nothing is installed if they are refused), then
// renders a single-line statement for hot patching and the same work as a
// breakpoint condition that always answers false, so the thread never pauses.
//
// Shape of the statement (one line, no newline anywhere):
//   try{const $sonde$=__sonde$probe;if($sonde$.c(COND)){let v0;try{v0=E0}catch(e){v0=$sonde$.m(e)}…
//   $sonde$.hit(SLOT,[v0,…])}}catch(e){if(typeof __sonde$probe==="object")__sonde$probe.fail(SLOT,e)}
// Each value has its own try so that one failing expression gives a marker
// (e.g. <x is not defined>) instead of losing the line.

import { compileExpression } from './expression.js';
import { parseFormat } from './format.js';
import { HOOK_ALIAS, HOOK_GLOBAL } from './hook-names.js';
import type { ProbeSpec } from './types.js';

export interface CompiledProbe {
  /** Text around the values; one more than values. */
  literals: string[];
  /** Generated code per value, in order. */
  values: string[];
  /** Generated condition code, or undefined for "always". */
  condition: string | undefined;
}

export type CompileProbeResult = { ok: true; probe: CompiledProbe } | { ok: false; error: string };

export function compileProbe(spec: Pick<ProbeSpec, 'format' | 'condition'>): CompileProbeResult {
  let condition: string | undefined;
  if (spec.condition.trim() !== '') {
    const c = compileExpression(spec.condition);
    if (!c.ok) return { ok: false, error: `condition: ${c.error}` };
    condition = c.code;
  }
  const format = parseFormat(spec.format);
  if (!format.ok) return { ok: false, error: `format: ${format.error}` };
  const literals = [''];
  const values: string[] = [];
  for (const part of format.parts) {
    if (part.kind === 'text') {
      literals[literals.length - 1] += part.text;
      continue;
    }
    const e = compileExpression(part.source, part.column);
    if (!e.ok) return { ok: false, error: `format: ${e.error}` };
    values.push(e.code);
    literals.push('');
  }
  return { ok: true, probe: { literals, values, condition } };
}

const A = HOOK_ALIAS;

/** The probe as one statement, to insert in front of the line's statement. */
export function renderStatement(probe: CompiledProbe, slot: number): string {
  const names = probe.values.map((_, i) => `${A}v${i}`);
  const evaluate = probe.values
    .map((code, i) => `try{${names[i]}=${code}}catch(${A}e){${names[i]}=${A}.m(${A}e)}`)
    .join('');
  const declare = names.length > 0 ? `let ${names.join(',')};` : '';
  const body = `{${declare}${evaluate}${A}.hit(${slot},[${names.join(',')}])}`;
  const guarded = probe.condition === undefined ? body : `if(${A}.c(${probe.condition}))${body}`;
  // typeof: in a realm without the hook (vm contexts) the probe is inert instead of throwing.
  return `try{const ${A}=${HOOK_GLOBAL};${guarded}}catch(${A}e){if(typeof ${HOOK_GLOBAL}==="object")${HOOK_GLOBAL}.fail(${slot},${A}e)}`;
}

/** The probe as a breakpoint condition: does the work, then answers false so V8 never pauses. */
export function renderBreakpointCondition(probe: CompiledProbe, slot: number): string {
  return `${renderStatement(probe, slot)};false`;
}
