// The code of one probe site: every probe at a statement (several actions on
// one line) as ONE inserted statement or ONE breakpoint condition. The hook
// is looked up once for the site; probes with the same condition share one
// test of it, and a value expression several of them show is computed once
// (expressions cannot change state, so sharing changes no result). A
// value's failure gives its marker and a condition's failure is said for
// each probe it guards, so one probe's failure never silences another.
// A site with one probe renders exactly as that probe alone (probe-code.ts):
// sharing adds nothing to a hit's cost beyond the extra probes' own work.
// The inserted code's length is what a live edit and a breakpoint's first
// pass cost the host (V8 compiles it while the app waits), hence the sharing.

import { HOOK_ALIAS as A, HOOK_GLOBAL } from './hook-names.js';
import { renderStatement, renderTimer, type CompiledProbe } from './probe-code.js';
import type { Insertion, StatementSite } from './source-patch.js';

export interface SiteProbe {
  readonly compiled: CompiledProbe;
  readonly slot: number;
}

/** The site's statement, probes in the order given (tic-tocs first: their own statements, see renderTimer). */
export function renderSite(probes: readonly SiteProbe[], onBreakpoint = false): string {
  const timers = probes.filter((p) => p.compiled.timer !== undefined);
  if (timers.length > 0) {
    const others = probes.filter((p) => p.compiled.timer === undefined);
    return timers.map((p) => renderTimer(p.compiled, p.slot, onBreakpoint).open).join('') + (others.length > 0 ? renderSite(others) : '');
  }
  if (probes.length === 1) return renderStatement(probes[0]!.compiled, probes[0]!.slot);
  const byCondition = new Map<string | undefined, SiteProbe[]>();
  for (const p of probes) {
    const group = byCondition.get(p.compiled.condition);
    if (group === undefined) byCondition.set(p.compiled.condition, [p]);
    else group.push(p);
  }
  const groups = [...byCondition].map(([condition, group]) => renderGroup(condition, group)).join('');
  // Only the hook's lookup can throw out here: in a realm without it (vm contexts) the site is inert.
  return `try{const ${A}=${HOOK_GLOBAL};${groups}}catch(${A}e){if(typeof ${HOOK_GLOBAL}==="object")${HOOK_GLOBAL}.fail(${probes[0]!.slot},${A}e)}`;
}

/** Probes sharing one condition: each distinct value once, then one hit per probe with its own values. */
function renderGroup(condition: string | undefined, group: readonly SiteProbe[]): string {
  const index = new Map<string, number>();
  for (const p of group) for (const code of p.compiled.values) if (!index.has(code)) index.set(code, index.size);
  const name = (i: number) => `${A}v${i}`;
  const declare = index.size > 0 ? `let ${[...index.values()].map(name).join(',')};` : '';
  const evaluate = [...index].map(([code, i]) => `try{${name(i)}=${code}}catch(${A}e){${name(i)}=${A}.m(${A}e)}`).join('');
  const hits = group.map((p) => `${A}.hit(${p.slot},[${p.compiled.values.map((code) => name(index.get(code)!)).join(',')}]);`).join('');
  const body = `{${declare}${evaluate}${hits}}`;
  const guarded = condition === undefined ? body : `if(${A}.c(${condition}))${body}`;
  const slots = group.map((p) => p.slot).join(',');
  return `try{${guarded}}catch(${A}e){for(const ${A}s of[${slots}])${A}.fail(${A}s,${A}e)}`;
}

/** The site as a breakpoint condition: counts the pass on the runtime's counter `counter`, does every probe's work, then answers false so V8 never pauses. */
export function renderSiteCondition(probes: readonly SiteProbe[], counter: number): string {
  return `typeof ${HOOK_GLOBAL}==="object"&&${HOOK_GLOBAL}.pass(${counter});${renderSite(probes, true)};false`;
}

/** What goes into the source at a site: the statement before it, or a function body's wrapping. */
export function siteInsertion(site: StatementSite, probes: readonly SiteProbe[]): Insertion {
  if (!site.around) return { site, code: renderSite(probes) };
  const { open, close } = renderAround(probes);
  return { site, code: open, close };
}

/** A function body's wrapping (the tic-toc's function form): the code before the body and after it. */
export function renderAround(probes: readonly SiteProbe[]): { open: string; close: string } {
  const parts = probes.map((p) => renderTimer(p.compiled, p.slot));
  return { open: parts.map((p) => p.open).join(''), close: parts.map((p) => p.close).reverse().join('') };
}
