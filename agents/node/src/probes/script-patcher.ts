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
//
// When a new source is made is the live-edit policy's call (live-edit-policy.ts): until
// then new probes are served by breakpoints, removed ones in the source stay, silenced.
//
// Probes are staged (added, removed) and then applied together: one new
// source per batch, however many probes it holds. Several probes at one
// statement share its inserted code, and those served by breakpoints share
// one breakpoint per location (site-code.ts, site-breakpoints.ts). When V8
// refuses a batch, halves are tried to find what it refuses, a bounded
// number of times; the rest waits for the retry.

import type { InspectorClient } from './inspector-client.js';
import type { LiveEditPolicy } from './live-edit-policy.js';
import type { CompiledProbe } from './probe-code.js';
import { applyWhatV8Takes, type PatchOutcome } from './refusal-search.js';
import { RetryTimer } from './retry-timer.js';
import type { ProbeRuntime } from './runtime.js';
import type { ScriptInfo } from './scripts.js';
import { SiteBreakpoints, type BreakpointGroup } from './site-breakpoints.js';
import { siteInsertion, type SiteProbe } from './site-code.js';
import { UpgradeWatch } from './upgrade-watch.js';
import type { ReasonCode } from './types.js';
import { notePatched } from './frame-mapping.js';
import { functionRefusal, noteRefusal, placementAt, relocateToEditorLine, stagingRefusal, type PatchTarget, type Placement } from './script-placement.js';
import { applyInsertions, columnOf, StatementIndex, type PatchResult, type StatementSite } from './source-patch.js';

export type { PatchTarget };

export interface PatcherListener<T> {
  /** The probe is live; `how` says how (hot patch or breakpoint, and why). */
  active(probe: T, how: string, code: 'installed' | 'installed-fallback'): void;
  /** The probe cannot be served here; it has been dropped from the script. */
  failed(probe: T, reason: string, code: ReasonCode): void;
  /** Only a new source can serve the probe (a function's wrapping), and V8 refuses it for now. */
  waiting(probe: T, reason: string): void;
}
const MAX_TRIES = 12; // new sources tried per apply when V8 refuses: each costs the host a recompile of the script

/** What every patcher shares: the session, who hears of states, the engine's queue and turn budget, when to live-edit. */
export interface PatcherContext<T> {
  client: InspectorClient;
  listener: PatcherListener<T>;
  schedule: (task: () => Promise<void>) => void;
  pause: () => Promise<void>;
  policy: LiveEditPolicy;
  runtime: () => ProbeRuntime;
  blockedFunction: (names: readonly string[]) => string | undefined; // why the policy refuses a probe in these functions
}

export class ScriptPatcher<T extends PatchTarget> {
  /** Every probe we know: live ones, and removed ones whose code V8 still keeps in the source. */
  private readonly placements = new Map<T, Placement>();
  private readonly live = new Set<T>();
  /** Probes whose code is in the current source; removed ones linger while V8 refuses. */
  private inSource = new Set<T>();
  private current: PatchResult;
  private readonly index: StatementIndex;
  private readonly lineCount: number;
  private readonly breakpoints: SiteBreakpoints<T>;
  private readonly retry: RetryTimer;
  private closed = false;

  /** Reads the script's source (its original: nothing of ours is in it yet). */
  static async open<T extends PatchTarget>(ctx: PatcherContext<T>, info: ScriptInfo): Promise<ScriptPatcher<T>> {
    return new ScriptPatcher(ctx, info, await ctx.client.scriptSource(info.scriptId));
  }

  private readonly client: InspectorClient;
  private readonly listener: PatcherListener<T>;
  private readonly pause: () => Promise<void>;
  private readonly policy: LiveEditPolicy;
  private readonly blockedFunction: PatcherContext<T>['blockedFunction'];
  private readonly watch: UpgradeWatch;
  /** The watch found the breakpoints' passes pay for an edit: the next apply() makes one. */
  private upgrading = false;

  private constructor(
    ctx: PatcherContext<T>,
    readonly info: ScriptInfo,
    /** The script's source before any probe of ours. */
    readonly original: string,
  ) {
    ({ client: this.client, listener: this.listener, pause: this.pause, policy: this.policy, blockedFunction: this.blockedFunction } = ctx);
    this.index = new StatementIndex(original, info.isModule);
    this.lineCount = original.split('\n').length - (original.endsWith('\n') ? 1 : 0); // a final newline starts no line
    this.current = applyInsertions(original, []);
    const upgrade = () => {
      this.upgrading = true;
      ctx.schedule(() => this.apply());
    };
    this.watch = new UpgradeWatch(this.policy, ctx.runtime(), upgrade);
    this.breakpoints = new SiteBreakpoints(this.client, info.scriptId, this.pause, this.watch.counter);
    this.retry = new RetryTimer(() => ctx.schedule(() => this.apply()));
  }

  /** No live probe and the original source is back: the patcher can be dropped. */
  get isEmpty(): boolean {
    return this.live.size === 0 && this.inSource.size === 0 && this.breakpoints.size === 0;
  }

  get hasProbes(): boolean {
    return this.live.size > 0;
  }

  /** Takes a probe in; it goes live at the next apply(). */
  stage(probe: T): void {
    const differs = relocateToEditorLine(probe, this.original);
    if (differs !== undefined) return this.listener.failed(probe, differs, 'code-differs');
    const placement = probe.line > this.lineCount ? undefined : placementAt(this.index, this.info.isModule, probe);
    const refused = stagingRefusal(probe, placement, this.lineCount, this.info.path, this.policy.mode) ?? functionRefusal(probe, placement!, this.index, this.blockedFunction);
    if (refused !== undefined) return this.listener.failed(probe, refused.reason, refused.code);
    this.live.add(probe);
    this.placements.set(probe, placement!);
  }

  /** Takes a probe out; its code leaves at the next apply(). */
  unstage(probe: T): void {
    if (!this.live.delete(probe)) return;
    if (!this.inSource.has(probe)) this.placements.delete(probe);
  }

  /** Takes every live probe out (restored at the next apply()) and returns them. */
  unstageAll(): T[] {
    const probes = [...this.live];
    for (const p of probes) this.unstage(p);
    return probes;
  }

  /** Removes everything once and gives up on what V8 still refuses (the slots are silenced anyway). */
  async close(): Promise<void> {
    this.closed = true;
    this.unstageAll();
    await this.apply();
    this.retry.cancel();
    this.watch.dispose();
  }

  /** Forgotten while empty: its pass counter goes back to the runtime. */
  dispose(): void {
    this.watch.dispose();
  }

  /**
   * Brings the source as close as V8 allows to "original + every live
   * patchable probe", in one new source when V8 takes it, serves the rest by
   * breakpoints, reports, and retries later if V8 refused something.
   */
  async apply(): Promise<void> {
    // Without an edit, probes already in the source stay (removed ones silenced) and the rest are served by breakpoints.
    // A function's wrapping has no breakpoint to wait on: it asks for its edit at once.
    const editing = this.closed || this.policy.atOnce || this.upgrading || this.wrapWaits();
    this.upgrading = false;
    const desired = new Set([...this.live].filter((p) => this.placements.get(p)!.patchable));
    const changes = editing ? [...[...this.inSource].filter((p) => !desired.has(p)), ...[...desired].filter((p) => !this.inSource.has(p))] : [];
    changes.sort((a, b) => this.startOf(a) - this.startOf(b) || a.slot - b.slot);
    const changed = await applyWhatV8Takes(
      changes,
      {
        siteOf: (p) => this.startOf(p),
        attempt: (some) => {
          const next = new Set(this.inSource);
          for (const p of some) {
            if (desired.has(p)) next.add(p);
            else next.delete(p);
          }
          return this.trySource(next);
        },
        refused: (some, outcome) => {
          for (const p of some) if (desired.has(p) && this.placements.has(p)) noteRefusal(this.placements.get(p)!, outcome);
        },
        pause: this.pause,
      },
      MAX_TRIES,
    );
    await this.syncBreakpoints(changed);
    this.reportAll();
    const waiting = [...this.live].some((p) => this.placements.get(p)!.patchable && !this.inSource.has(p));
    if (changes.length > 0) this.watch.tried(!waiting);
    this.watch.waiting(waiting && !this.closed);
    const settled = !waiting && [...this.inSource].every((p) => this.live.has(p));
    // Adaptive edits are asked for by the watch alone: a retry would pause the host again without asking.
    if (settled || this.closed || (!this.policy.atOnce && !this.wrapWaits())) this.retry.reset();
    else this.retry.schedule();
  }

  /** Some function's wrapping is not in the source yet. */
  private wrapWaits(): boolean {
    return [...this.live].some((p) => this.placements.get(p)!.site?.around === true && !this.inSource.has(p));
  }

  private startOf(probe: T): number {
    return this.placements.get(probe)?.site?.start ?? -1;
  }

  private async trySource(probes: Set<T>): Promise<PatchOutcome> {
    // Only probes with a site are ever patchable, so every site is defined here.
    const bySite = new Map<StatementSite, T[]>();
    for (const p of probes) {
      const site = this.placements.get(p)!.site!;
      const known = bySite.get(site);
      if (known === undefined) bySite.set(site, [p]);
      else known.push(p);
    }
    const insertions = [...bySite].map(([site, at]) => siteInsertion(site, this.sited(at.sort((a, b) => a.slot - b.slot))));
    const patch = applyInsertions(this.original, insertions);
    let result;
    try {
      const t0 = performance.now();
      result = await this.client.setScriptSource(this.info.scriptId, this.info.url, patch.source);
      this.policy.edited(performance.now() - t0);
    } catch (err) {
      return { ok: false, blocked: false, status: 'ProtocolError', detail: err instanceof Error ? err.message : String(err) };
    }
    const status = result.status ?? (result.exceptionDetails === undefined ? 'Ok' : 'CompileError');
    if (status === 'Ok') {
      for (const p of this.inSource) if (!probes.has(p) && !this.live.has(p)) this.placements.delete(p);
      this.inSource = new Set(probes);
      this.current = patch;
      notePatched(this.info.path, patch.originalColumn); // snapshot frames in this file show the columns the user wrote
      return { ok: true };
    }
    const d = result.exceptionDetails;
    const detail = d === undefined ? status : `${status}: ${d.exception?.description ?? d.text ?? ''} at line ${(d.lineNumber ?? 0) + 1}`;
    return { ok: false, blocked: status.startsWith('Blocked'), status, detail };
  }

  /** Live probes not in the source are served by one breakpoint per location; patched ones by none. */
  private async syncBreakpoints(sourceChanged: boolean): Promise<void> {
    const wanted = new Map<string, BreakpointGroup<T>>();
    const columns = new Map<number, number>();
    for (const probe of this.live) {
      const placement = this.placements.get(probe)!;
      placement.breakpointKey = undefined;
      if (this.inSource.has(probe) || placement.site?.around) continue;
      const site = placement.site;
      let columnNumber = 0;
      if (site !== undefined) {
        columnNumber = columns.get(site.start) ?? columnOf(this.current.source, this.current.mapOffset(site.start));
        columns.set(site.start, columnNumber);
      }
      const key = `${probe.line - 1}:${columnNumber}`;
      placement.breakpointKey = key;
      const group = wanted.get(key);
      if (group === undefined) wanted.set(key, { lineNumber: probe.line - 1, columnNumber, probes: [probe] });
      else group.probes.push(probe);
    }
    for (const group of wanted.values()) group.sites = this.sited(group.probes.sort((a, b) => a.slot - b.slot));
    for (const failure of await this.breakpoints.sync(wanted, sourceChanged)) {
      for (const probe of failure.group.probes) {
        const where = `${this.info.path}:${probe.line}`;
        if (failure.moved) {
          this.drop(probe, `no code at line ${probe.line} of ${this.info.path} (blank, comment or closing brace); put the probe on a line with a statement`, 'no-code-at-line');
        } else if (failure.uncompilable !== undefined) {
          // V8 would take the breakpoint and treat its condition as false on every hit: active, and never logging.
          this.drop(probe, `V8 cannot compile the probe's code (${failure.uncompilable}), so it could never log at ${where}; this is a Sonde bug, please report it with the format and condition`, 'runtime-refused');
        } else this.drop(probe, `could not set a breakpoint at ${where}: ${failure.error}`, 'runtime-refused');
      }
    }
  }

  /** The probes as their site renders them: each with its code there. */
  private sited(probes: readonly T[]): SiteProbe[] {
    return probes.map((p) => ({ compiled: this.placements.get(p)?.code ?? p.compiled, slot: p.slot }));
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
      const moved = probe.movedNote ? `${probe.movedNote}; ` : '';
      if (this.inSource.has(probe)) this.listener.active(probe, `${moved}hot-patched ${where}`, 'installed');
      else if (placement.site?.around) {
        if (!placement.patchable) this.drop(probe, `the function at ${where} cannot be timed: ${placement.unpatchableReason ?? 'V8 refuses its new source'}`, 'runtime-refused');
        else this.listener.waiting(probe, `the function at ${where} is running; it is timed from its next call once V8 takes the new source (retried)`);
      } else if (placement.breakpointKey !== undefined && this.breakpoints.has(placement.breakpointKey)) {
        const why =
          placement.site === undefined
            ? `${placement.siteReason}; a breakpoint serves it, slower per hit`
            : (placement.unpatchableReason ?? (placement.blocked ? 'function on the stack; upgraded when it returns' : this.policy.waitingReason()));
        this.listener.active(probe, `${moved}breakpoint at ${where} (${why})`, 'installed-fallback');
      }
    }
  }
}
