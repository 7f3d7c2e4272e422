// The code that runs at the probed line, whatever the probe's kind: a
// condition and values, compiled by the kind's module (probes/kinds/),
// rendered here as a single-line statement for hot patching and as the same
// work in a breakpoint condition that always answers false, so the thread
// never pauses. What the values become is the kind's slot handler's business.
//
// Shape of the statement (one line, no newline anywhere):
//   try{const $sonde$=__sonde$probe;if($sonde$.c(COND)){let v0;try{v0=E0}catch(e){v0=$sonde$.m(e)}…
//   $sonde$.hit(SLOT,[v0,…])}}catch(e){if(typeof __sonde$probe==="object")__sonde$probe.fail(SLOT,e)}
// Each value has its own try so that one failing expression gives a marker
// (e.g. <x is not defined>) instead of losing the line.

import { compileExpression } from './expression.js';
import { HOOK_ALIAS, HOOK_GLOBAL } from './hook-names.js';

export interface CompiledProbe {
  /** Generated code per value, in order. */
  values: string[];
  /** Generated condition code, or undefined for "always". */
  condition: string | undefined;
  /**
   * Snapshots: the names visible at the site are read too. Where the probe
   * is placed, `values` become [`[total, "name", …]`, …values, …those names],
   * at most `max` names (innermost first, `this` last when it is the function's).
   */
  scope?: { max: number };
  /**
   * Tic-toc: this code starts a span ('tic'), ends one ('toc'), or times
   * the whole function it wraps ('function'); see renderTimer.
   */
  timer?: 'tic' | 'toc' | 'function';
}

/** The probe's code at a site, with the names it can see when it reads them (snapshots). */
export function withScope(code: CompiledProbe, visible: { names: readonly string[]; hasThis: boolean } | undefined): CompiledProbe {
  if (code.scope === undefined) return code;
  const all = [...(visible?.names ?? []), ...(visible?.hasThis ? ['this'] : [])];
  const shown = all.slice(0, code.scope.max);
  const header = `[${[String(all.length), ...shown.map((n) => JSON.stringify(n))].join(',')}]`;
  return { values: [header, ...code.values, ...shown], condition: code.condition };
}

/** Why compiling failed: the text does not parse, or it could change program state or run program code. */
export type CompileFailure = { ok: false; error: string; code: 'invalid-expression' | 'unsafe-expression' };

export function compileFailure(error: string, unsafe: boolean): CompileFailure {
  return { ok: false, error, code: unsafe ? 'unsafe-expression' : 'invalid-expression' };
}

/** A probe's condition: undefined code for an empty one (always). */
export function compileCondition(condition: string): { ok: true; code: string | undefined } | CompileFailure {
  if (condition.trim() === '') return { ok: true, code: undefined };
  const c = compileExpression(condition);
  return c.ok ? c : compileFailure(`condition: ${c.error}`, c.unsafe);
}

const A = HOOK_ALIAS;

/** The probe's condition and values, as code that uses the hook's alias (declared by the caller). */
function renderGuarded(probe: CompiledProbe, slot: number): string {
  const names = probe.values.map((_, i) => `${A}v${i}`);
  const evaluate = probe.values
    .map((code, i) => `try{${names[i]}=${code}}catch(${A}e){${names[i]}=${A}.m(${A}e)}`)
    .join('');
  const declare = names.length > 0 ? `let ${names.join(',')};` : '';
  const body = `{${declare}${evaluate}${A}.hit(${slot},[${names.join(',')}])}`;
  return probe.condition === undefined ? body : `if(${A}.c(${probe.condition}))${body}`;
}

/** The probe as one statement, to insert in front of the line's statement. */
export function renderStatement(probe: CompiledProbe, slot: number): string {
  // typeof: in a realm without the hook (vm contexts) the probe is inert instead of throwing.
  return `try{const ${A}=${HOOK_GLOBAL};${renderGuarded(probe, slot)}}catch(${A}e){if(typeof ${HOOK_GLOBAL}==="object")${HOOK_GLOBAL}.fail(${slot},${A}e)}`;
}


/** The function-scoped variable a tic-toc's start time lives in: one per call, so overlapping async calls pair their own ends. */
const spanStart = (slot: number) => `${A}t${slot}`;

/**
 * A tic-toc's code. Inserted in the source, the tic sets a `var`
 * (function-scoped, so each call has its own; 0 when its condition is
 * false); the toc hands it to the hook, which falls back to the slot's last
 * tic where the variable does not exist. A breakpoint condition declares no
 * variable (V8 refuses one in an ES module's functions, and in other scripts
 * it outlives the condition in the function's scope): its tic sets or
 * clears the slot's last tic. The function form wraps the body: tic, then
 * try{body}finally{toc}, so every return, await and throw ends the span.
 */
export function renderTimer(probe: CompiledProbe, slot: number, onBreakpoint = false): { open: string; close: string } {
  const t = spanStart(slot);
  const guard = (body: string) => `try{const ${A}=${HOOK_GLOBAL};${body}}catch(${A}e){if(typeof ${HOOK_GLOBAL}==="object")${HOOK_GLOBAL}.fail(${slot},${A}e)}`;
  const on = probe.condition === undefined ? '' : `if(${A}.c(${probe.condition}))`;
  const tic = onBreakpoint ? guard(`${A}.tic(${slot},${on === '' ? 'true' : `!!${A}.c(${probe.condition})`});`) : guard(`var ${t}=0;${on}${t}=${A}.tic(${slot},true);`);
  const toc = guard(`${A}.toc(${slot},typeof ${t}==="undefined"?undefined:${t})`);
  if (probe.timer === 'tic') return { open: tic, close: '' };
  if (probe.timer === 'toc') return { open: toc, close: '' };
  return { open: `${tic}try{`, close: `}finally{${toc}}` };
}
