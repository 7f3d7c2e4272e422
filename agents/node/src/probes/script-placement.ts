// Where a probe goes in its script, as the patcher tracks it: the statement
// its code is inserted before, or why only a breakpoint can serve it, and
// whether V8 can ever take a patch there.

import { withScope, type CompiledProbe } from './probe-code.js';
import { namesRead, replaceReads } from './scope-names.js';
import type { HotPatchMode } from './live-edit-policy.js';
import type { PatchOutcome } from './refusal-search.js';
import type { ReasonCode } from './types.js';
import { placeEditorLine, type EditorLine } from './line-match.js';
import { renamedReads } from './renamed-names.js';
import type { NamedPosition } from './source-maps.js';
import type { StatementIndex, StatementSite } from './source-patch.js';

/** A probe as the patcher needs it. */
export interface PatchTarget {
  /** 1-based line in this script (after source mapping, if any; moved to the matching running line when the file differs). */
  line: number;
  /** The editor's line, to find in a running file that differs (line-match.ts); only on probes placed by the user's line itself. */
  readonly editorLine?: EditorLine;
  /** Where the probe went instead of the editor's line, and why, as the state says it. */
  movedNote?: string;
  /**
   * A tic-toc's end, which carries no line text of its own: it goes to its
   * asked line moved by as many lines as `of` (its start, staged first) was.
   */
  readonly follows?: { readonly of: PatchTarget; readonly asked: number };
  /** The functions around its place, innermost first (set when staged; the policy's function blocklist reads them). */
  functions?: readonly string[];
  /** 0-based column a source map points at; undefined for the line's own statement. */
  readonly column?: number;
  /** Where the user put it, when that differs from this script's line (source maps). */
  readonly origin?: string;
  /** Identifiers its source map says the build renamed (see script-placement.ts). */
  readonly renames?: readonly NamedPosition[];
  readonly slot: number;
  readonly compiled: CompiledProbe;
}

export interface Placement {
  /** Undefined when no statement starts on the line: breakpoint only. */
  site: StatementSite | undefined;
  siteReason: string;
  /** False once V8 said it will never accept a patch there. */
  patchable: boolean;
  unpatchableReason: string | undefined;
  /** The location of the breakpoint that serves it, when one does. */
  breakpointKey: string | undefined;
  /** V8 refused the last edit that carried it: its function was running. */
  blocked?: boolean;
  /** The probe's code here (a snapshot's with the names its site can see). */
  code: CompiledProbe;
}

const CONCISE_ARROW = 'V8 does not hot-patch an arrow function whose body is an expression';
const MODULE_TOP_LEVEL = 'V8 cannot hot-patch the top-level code of an ES module; it runs only while the module loads';

/** The placement of a probe at `line` (and `column`, from a source map) of a script. */
export function placementAt(index: StatementIndex, isModule: boolean, probe: PatchTarget): Placement {
  const found = probe.compiled.timer === 'function' ? index.functionAt(probe.line, probe.column) : index.siteAt(probe.line, probe.column);
  // V8 refuses any change to an ES module's top-level code; do not even try (each try leaves a Script behind).
  const moduleTop = found.ok && isModule && !found.site.inFunction;
  const concise = found.ok && found.site.concise === true;
  const visible = found.ok ? index.namesAt(found.site) : undefined;
  let code = withScope(probe.compiled, probe.compiled.scope ? visible : undefined);
  let unreachable: string | undefined;
  if (visible !== undefined) {
    let reads = namesRead([...code.values, ...(code.condition === undefined ? [] : [code.condition])]);
    const renamed = probe.renames?.length ? renamedReads(reads, probe.renames, index, visible) : undefined;
    if (renamed !== undefined && renamed.size > 0) {
      code = swapReads(code, (n) => renamed.get(n));
      reads = namesRead([...code.values, ...(code.condition === undefined ? [] : [code.condition])]);
    }
    unreachable = [...reads].find((n) => visible.unreachable.has(n));
    // A name no enclosing scope declares is a global: read through its descriptor, so a global getter never runs.
    const globals = new Set([...reads].filter((n) => !visible.declared.has(n) && (isModule || !CJS_WRAPPER.has(n))));
    if (globals.size > 0) code = swapReads(code, (n) => (globals.has(n) ? `$sonde$.gv(${JSON.stringify(n)})` : undefined));
  }
  return {
    site: found.ok ? found.site : undefined,
    siteReason: found.ok ? '' : found.reason,
    patchable: found.ok && !moduleTop && !concise && unreachable === undefined,
    unpatchableReason: moduleTop
      ? MODULE_TOP_LEVEL
      : concise
        ? CONCISE_ARROW
        : unreachable !== undefined
          ? `it reads ${unreachable}, which the function itself never uses, and V8 cannot give patched code a variable the function did not capture`
          : undefined,
    breakpointKey: undefined,
    code,
  };
}

/** Why a probe cannot even be staged in a script of `lineCount` lines (no placement: past its end). */
export function stagingRefusal(probe: PatchTarget, placement: Placement | undefined, lineCount: number, path: string, mode: HotPatchMode): { reason: string; code: ReasonCode } | undefined {
  if (placement === undefined) {
    return { reason: `line ${probe.line} is past the end of ${path} (${lineCount} lines); the file the editor shows may differ from the one running`, code: 'line-out-of-range' };
  }
  if (probe.compiled.timer !== 'function') return undefined;
  // A function's wrapping is a new source or nothing: no breakpoint can serve it.
  if (placement.site === undefined) return { reason: placement.siteReason, code: 'no-code-at-line' };
  if (mode === 'never') {
    return { reason: 'timing a whole function needs a live edit of its source, and hot patching is off (SONDE_HOT_PATCH=never); give an end line to time it with breakpoints', code: 'runtime-refused' };
  }
  return undefined;
}

/** The operator's function blocklist: records the functions around the probe's place and refuses it when one is listed. */
export function functionRefusal(probe: PatchTarget, placement: Placement, index: StatementIndex, blocked: (names: readonly string[]) => string | undefined): { reason: string; code: ReasonCode } | undefined {
  probe.functions = index.functionsAround(probe.line, placement.site);
  const reason = blocked(probe.functions);
  return reason === undefined ? undefined : { reason, code: 'blocked' };
}

/**
 * A running file that differs from the editor's: the probe moves to the
 * running line that reads as the editor's line, or to the next line with
 * code (line-match.ts). Returns why it cannot, when no running line or
 * several read so. Probes placed by a source map are left where it put them.
 */
export function relocateToEditorLine(probe: PatchTarget, source: string): string | undefined {
  if (probe.origin !== undefined) return undefined;
  if (probe.editorLine === undefined) {
    const start = probe.follows?.of;
    if (start?.editorLine !== undefined && start.origin === undefined) probe.line = probe.follows!.asked + (start.line - start.editorLine.line);
    return undefined;
  }
  const found = placeEditorLine(source, probe.editorLine);
  if (found.kind === 'refused') return found.message;
  probe.line = found.line;
  probe.movedNote = found.kind === 'moved' ? found.message : undefined;
  return undefined;
}

/** The code with each read of a name `instead` answers for replaced by that answer. */
function swapReads(code: CompiledProbe, instead: (name: string) => string | undefined): CompiledProbe {
  const swap = (c: string) => replaceReads(c, instead);
  return { ...code, values: code.values.map(swap), condition: code.condition === undefined ? undefined : swap(code.condition) };
}

/** What CommonJS's module wrapper passes in: bound in every CommonJS file, though its source does not declare them. */
const CJS_WRAPPER = new Set(['require', 'module', 'exports', '__filename', '__dirname']);

/** V8 refused a new source carrying this probe: for now (its function runs), or for good. */
export function noteRefusal(placement: Placement, outcome: PatchOutcome): void {
  if (outcome.ok) return;
  if (outcome.status === 'BlockedByTopLevelEsModuleChange') {
    placement.patchable = false;
    placement.unpatchableReason = MODULE_TOP_LEVEL;
  } else if (outcome.blocked) placement.blocked = true;
  else {
    placement.patchable = false;
    placement.unpatchableReason = `V8 refused the patched source (${outcome.detail}); this is a Sonde bug, please report it with the format and condition`;
  }
}
