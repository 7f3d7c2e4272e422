// Keeps one script's probes installed, as close to "hot-patched" as V8 allows.
//
// The script's ORIGINAL source plus every live probe goes to
// Debugger.setScriptSource, regenerated from the original each time, so that
// removing the last probe restores the original exactly. V8 refuses to
// replace a function that is running or a suspended generator/async function
// (Blocked*): such a probe is served by a breakpoint whose condition does the
// probe's work and answers false (the thread never pauses), and the patch is
// retried with backoff. A line where no statement starts is always served by
// a breakpoint. A new source drops V8's breakpoints in the script, so they are
// set again after every successful patch.

import { compileProblem } from './code-check.js';
import type { InspectorClient } from './inspector-client.js';
import { renderBreakpointCondition, renderStatement, type CompiledProbe } from './probe-code.js';
import { RetryTimer } from './retry-timer.js';
import type { ScriptInfo } from './scripts.js';
import type { ReasonCode } from './types.js';
import { applyInsertions, columnOf, StatementIndex, type PatchResult, type StatementSite } from './source-patch.js';

/** A probe as the patcher needs it. */
export interface PatchTarget {
  /** 1-based line in this script (after source mapping, if any). */
  readonly line: number;
  /** 0-based column a source map points at; undefined for the line's own statement. */
  readonly column?: number;
  /** Where the user put it, when that differs from this script's line (source maps). */
  readonly origin?: string;
  readonly slot: number;
  readonly compiled: CompiledProbe;
}

export interface PatcherListener<T> {
  /** The probe is live; `how` says how (hot patch or breakpoint, and why). */
  active(probe: T, how: string, code: 'installed' | 'installed-fallback'): void;
  /** The probe cannot be served here; it has been dropped from the script. */
  failed(probe: T, reason: string, code: ReasonCode): void;
}

interface Placement {
  /** Undefined when no statement starts on the line: breakpoint only. */
  site: StatementSite | undefined;
  siteReason: string;
  /** False once V8 said it will never accept a patch there. */
  patchable: boolean;
  unpatchableReason: string | undefined;
  breakpointId: string | undefined;
}

const CONCISE_ARROW = 'V8 does not hot-patch an arrow function whose body is an expression';
const MODULE_TOP_LEVEL = 'V8 cannot hot-patch the top-level code of an ES module; it runs only while the module loads';

type PatchOutcome = { ok: true } | { ok: false; blocked: boolean; status: string; detail: string };

export class ScriptPatcher<T extends PatchTarget> {
  /** Every probe we know: live ones, and removed ones whose code V8 still keeps in the source. */
  private readonly placements = new Map<T, Placement>();
  private readonly live = new Set<T>();
  /** Probes whose code is in the current source; removed ones linger while V8 refuses. */
  private inSource = new Set<T>();
  private current: PatchResult;
  private readonly index: StatementIndex;
  private readonly retry: RetryTimer;
  private closed = false;

  /** Reads the script's source (its original: nothing of ours is in it yet). */
  static async open<T extends PatchTarget>(
    client: InspectorClient,
    info: ScriptInfo,
    listener: PatcherListener<T>,
    schedule: (task: () => Promise<void>) => void,
  ): Promise<ScriptPatcher<T>> {
    return new ScriptPatcher(client, info, await client.scriptSource(info.scriptId), listener, schedule);
  }

  private constructor(
    private readonly client: InspectorClient,
    readonly info: ScriptInfo,
    private readonly original: string,
    private readonly listener: PatcherListener<T>,
    schedule: (task: () => Promise<void>) => void,
  ) {
    this.index = new StatementIndex(original, info.isModule);
    this.current = applyInsertions(original, []);
    this.retry = new RetryTimer(() => schedule(() => this.reconcile()));
  }

  /** No live probe and the original source is back: the patcher can be dropped. */
  get isEmpty(): boolean {
    return this.live.size === 0 && this.inSource.size === 0;
  }

  get hasProbes(): boolean {
    return this.live.size > 0;
  }

  async add(probe: T): Promise<void> {
    const lines = this.original.split('\n').length;
    if (probe.line > lines) {
      this.listener.failed(
        probe,
        `line ${probe.line} is past the end of ${this.info.path} (${lines} lines); the file the editor shows may differ from the one running`,
        'line-out-of-range',
      );
      return;
    }
    const found = this.index.siteAt(probe.line, probe.column);
    // V8 refuses any change to an ES module's top-level code; do not even try (each try leaves a Script behind).
    const moduleTop = found.ok && this.info.isModule && !found.site.inFunction;
    const concise = found.ok && found.site.concise === true;
    this.live.add(probe);
    this.placements.set(probe, {
      site: found.ok ? found.site : undefined,
      siteReason: found.ok ? '' : found.reason,
      patchable: found.ok && !moduleTop && !concise,
      unpatchableReason: moduleTop ? MODULE_TOP_LEVEL : concise ? CONCISE_ARROW : undefined,
      breakpointId: undefined,
    });
    await this.reconcile();
  }

  async remove(probe: T): Promise<void> {
    if (!this.live.delete(probe)) return;
    await this.clearBreakpoint(this.placements.get(probe)!);
    if (!this.inSource.has(probe)) this.placements.delete(probe);
    await this.reconcile();
  }

  /** Takes every live probe out (restoring the source as far as V8 allows) and returns them. */
  async takeAll(): Promise<T[]> {
    const probes = [...this.live];
    for (const p of probes) await this.remove(p);
    return probes;
  }

  /** Removes everything once and gives up on what V8 still refuses (the slots are silenced anyway). */
  async close(): Promise<void> {
    this.closed = true;
    await this.takeAll();
    this.retry.cancel();
  }

  /**
   * Brings the source as close as V8 allows to "original + every live
   * patchable probe", serves the rest by breakpoints, reports, and retries
   * later if V8 refused something.
   */
  private async reconcile(): Promise<void> {
    const desired = new Set([...this.live].filter((p) => this.placements.get(p)!.patchable));
    const toRemove = [...this.inSource].filter((p) => !desired.has(p));
    const toAdd = [...desired].filter((p) => !this.inSource.has(p));
    let changed = false;
    if (toRemove.length + toAdd.length > 0) {
      const all = await this.trySource(desired);
      if (all.ok) changed = true;
      else if (toRemove.length + toAdd.length === 1) this.noteRefusal(toAdd[0], all);
      else {
        // Find out which change V8 refuses: one at a time.
        for (const p of toRemove) {
          const without = new Set(this.inSource);
          without.delete(p);
          if ((await this.trySource(without)).ok) changed = true;
        }
        for (const p of toAdd) {
          const outcome = await this.trySource(new Set([...this.inSource, p]));
          if (outcome.ok) changed = true;
          else this.noteRefusal(p, outcome);
        }
      }
    }
    await this.syncBreakpoints(changed);
    this.reportAll();
    const settled =
      [...this.inSource].every((p) => this.live.has(p)) && [...this.live].every((p) => !this.placements.get(p)!.patchable || this.inSource.has(p));
    if (settled || this.closed) this.retry.reset();
    else this.retry.schedule();
  }

  private noteRefusal(probe: T | undefined, outcome: PatchOutcome): void {
    const placement = probe === undefined ? undefined : this.placements.get(probe);
    if (placement === undefined || outcome.ok) return;
    if (outcome.status === 'BlockedByTopLevelEsModuleChange') {
      placement.patchable = false;
      placement.unpatchableReason = MODULE_TOP_LEVEL;
    } else if (!outcome.blocked) {
      placement.patchable = false;
      placement.unpatchableReason = `V8 refused the patched source (${outcome.detail}); this is a Sonde bug, please report it with the format and condition`;
    }
  }

  private async trySource(probes: Set<T>): Promise<PatchOutcome> {
    // Only probes with a site are ever patchable, so every site is defined here.
    const insertions = [...probes].map((p) => ({ site: this.placements.get(p)!.site!, code: renderStatement(p.compiled, p.slot) }));
    const patch = applyInsertions(this.original, insertions);
    let result;
    try {
      result = await this.client.setScriptSource(this.info.scriptId, patch.source);
    } catch (err) {
      return { ok: false, blocked: false, status: 'ProtocolError', detail: err instanceof Error ? err.message : String(err) };
    }
    const status = result.status ?? (result.exceptionDetails === undefined ? 'Ok' : 'CompileError');
    if (status === 'Ok') {
      for (const p of this.inSource) if (!probes.has(p) && !this.live.has(p)) this.placements.delete(p);
      this.inSource = new Set(probes);
      this.current = patch;
      return { ok: true };
    }
    const d = result.exceptionDetails;
    const detail = d === undefined ? status : `${status}: ${d.exception?.description ?? d.text ?? ''} at line ${(d.lineNumber ?? 0) + 1}`;
    return { ok: false, blocked: status.startsWith('Blocked'), status, detail };
  }

  /** Live probes not in the source get a breakpoint; patched ones lose theirs. */
  private async syncBreakpoints(sourceChanged: boolean): Promise<void> {
    for (const probe of [...this.live]) {
      const placement = this.placements.get(probe)!;
      if (this.inSource.has(probe)) {
        await this.clearBreakpoint(placement);
        continue;
      }
      if (placement.breakpointId !== undefined && !sourceChanged) continue;
      await this.clearBreakpoint(placement);
      await this.setBreakpoint(probe, placement);
    }
  }

  private async setBreakpoint(probe: T, placement: Placement): Promise<void> {
    const lineNumber = probe.line - 1;
    const columnNumber = placement.site === undefined ? 0 : columnOf(this.current.source, this.current.mapOffset(placement.site.start));
    const where = `${this.info.path}:${probe.line}`;
    const condition = renderBreakpointCondition(probe.compiled, probe.slot);
    const problem = compileProblem(condition);
    if (problem !== undefined) {
      this.drop(probe, `V8 cannot compile the probe's code (${problem}), so it could never log at ${where}; this is a Sonde bug, please report it with the format and condition`, 'runtime-refused');
      return;
    }
    let result;
    try {
      result = await this.client.setBreakpoint({ scriptId: this.info.scriptId, lineNumber, columnNumber }, condition);
    } catch (err) {
      this.drop(probe, `could not set a breakpoint at ${where}: ${err instanceof Error ? err.message : String(err)}`, 'runtime-refused');
      return;
    }
    if (result.actualLocation.lineNumber !== lineNumber) {
      await this.client.removeBreakpoint(result.breakpointId).catch(() => undefined);
      this.drop(probe, `no code at line ${probe.line} of ${this.info.path} (blank, comment or closing brace); put the probe on a line with a statement`, 'no-code-at-line');
      return;
    }
    placement.breakpointId = result.breakpointId;
  }

  private async clearBreakpoint(placement: Placement): Promise<void> {
    const id = placement.breakpointId;
    if (id === undefined) return;
    placement.breakpointId = undefined;
    await this.client.removeBreakpoint(id).catch(() => undefined); // already gone with an old source
  }

  private drop(probe: T, reason: string, code: ReasonCode): void {
    this.live.delete(probe);
    if (!this.inSource.has(probe)) this.placements.delete(probe);
    this.listener.failed(probe, reason, code);
  }

  private reportAll(): void {
    for (const probe of this.live) {
      const placement = this.placements.get(probe)!;
      const where = `${this.info.path}:${probe.line}${probe.origin ? ` (${probe.origin} by its source map)` : ''}`;
      if (this.inSource.has(probe)) this.listener.active(probe, `hot-patched ${where}`, 'installed');
      else if (placement.breakpointId !== undefined) {
        const why =
          placement.site === undefined
            ? `${placement.siteReason}; a breakpoint serves it, slower per hit`
            : (placement.unpatchableReason ?? 'function on the stack; upgraded when it returns');
        this.listener.active(probe, `breakpoint at ${where} (${why})`, 'installed-fallback');
      }
    }
  }
}
