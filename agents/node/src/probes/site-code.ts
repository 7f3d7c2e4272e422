// The code of one probe site: every probe at a statement (several actions on
// one line) as ONE inserted statement or ONE breakpoint condition. The hook
// is looked up once for the site; each probe keeps its own condition,
// values, slot and try, so one probe's failure never silences the others.
// A site with one probe renders exactly as that probe alone (probe-code.ts):
// sharing adds nothing to a hit's cost beyond the extra probes' own work.

import { HOOK_ALIAS as A, HOOK_GLOBAL } from './hook-names.js';
import { renderGuarded, renderStatement, type CompiledProbe } from './probe-code.js';

export interface SiteProbe {
  readonly compiled: CompiledProbe;
  readonly slot: number;
}

/** The site's statement, probes in the order given. */
export function renderSite(probes: readonly SiteProbe[]): string {
  if (probes.length === 1) return renderStatement(probes[0]!.compiled, probes[0]!.slot);
  const each = probes.map((p) => `try{${renderGuarded(p.compiled, p.slot)}}catch(${A}e){${A}.fail(${p.slot},${A}e)}`).join('');
  // Only the hook's lookup can throw out here: in a realm without it (vm contexts) the site is inert.
  return `try{const ${A}=${HOOK_GLOBAL};${each}}catch(${A}e){if(typeof ${HOOK_GLOBAL}==="object")${HOOK_GLOBAL}.fail(${probes[0]!.slot},${A}e)}`;
}

/** The site as a breakpoint condition: does every probe's work, then answers false so V8 never pauses. */
export function renderSiteCondition(probes: readonly SiteProbe[]): string {
  return `${renderSite(probes)};false`;
}
