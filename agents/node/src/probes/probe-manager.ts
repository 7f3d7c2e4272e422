// Installs, replaces and removes log probes in the running program.
//
// A probe is hot-patched: the script's ORIGINAL source plus every live probe
// of that script is handed to Debugger.setScriptSource (regenerated from the
// original each time, so removing the last probe restores the original).
// When V8 refuses because the function is running or is a suspended
// generator/async function, the probe is served by a breakpoint whose
// condition does the work and answers false (the thread never pauses), and
// the patch is retried later with backoff. A line where no statement starts
// is served by such a breakpoint too.
//
// All inspector work runs through one serial queue of async tasks; nothing
// assumes that session callbacks are synchronous. Nothing here throws into
// the host: failures become sink.state(id, 'error', reason).

import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InspectorClient } from './inspector-client.js';
import { compileProbe, renderBreakpointCondition, renderStatement, type CompiledProbe } from './probe-code.js';
import { resolveFile } from './resolve-file.js';
import { RetryTimer } from './retry-timer.js';
import { installRuntime, type ProbeRuntime } from './runtime.js';
import { ScriptRegistry, type ScriptInfo } from './scripts.js';
import { applyInsertions, columnOf, StatementIndex, type PatchResult, type StatementSite } from './source-patch.js';
import type { FileQueryAnswer, ProbeManagerOptions, ProbeSink, ProbeSpec, ProbeStateKind } from './types.js';

const FILES_BATCH_MS = 100;

/** The agent's own compiled code (dist/src): never offered for probes, a probe there could recurse. */
const AGENT_CODE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..') + sep;

interface Probe {
  readonly spec: ProbeSpec;
  readonly compiled: CompiledProbe;
  readonly slot: number;
  readonly counter: { hits: number };
  removed: boolean;
  /** The file waited for or bound to. */
  path?: string;
  scriptId?: string;
  /** Where the probe goes; undefined when no statement starts on the line (breakpoint only). */
  site?: StatementSite;
  siteReason?: string;
  /** False once V8 said it can never patch there (top-level ES module code) or broke on our code. */
  patchable: boolean;
  unpatchableReason?: string;
  breakpointId?: string;
  lastState?: string;
  conditionFailureReported: boolean;
}

interface ScriptState {
  readonly info: ScriptInfo;
  readonly original: string;
  readonly index: StatementIndex;
  /** Live probes bound to this script. */
  readonly probes: Set<Probe>;
  /** Probes whose code is in the script's current source (removed ones linger while V8 refuses). */
  inSource: Set<Probe>;
  current: PatchResult;
  readonly retry: RetryTimer;
}

type PatchOutcome = { ok: true } | { ok: false; blocked: boolean; status: string; detail: string };

const sameSpec = (a: ProbeSpec, b: ProbeSpec) =>
  a.file === b.file && a.line === b.line && a.format === b.format && a.condition === b.condition;

export class ProbeManager {
  private readonly roots: string[];
  private readonly client = new InspectorClient();
  private readonly registry = new ScriptRegistry((path) => path.startsWith(AGENT_CODE_DIR));
  private runtime: ProbeRuntime | undefined;
  private startError: string | undefined;
  private started = false;
  private stopped = false;

  private readonly probes = new Map<string, Probe>();
  private readonly scripts = new Map<string, ScriptState>();
  private readonly stateByPath = new Map<string, ScriptState>();
  private readonly pending = new Map<string, Set<Probe>>();

  private queue: Promise<void> = Promise.resolve();
  private filesTimer: NodeJS.Timeout | undefined;
  private pendingFlush: NodeJS.Immediate | undefined;

  constructor(
    private readonly sink: ProbeSink,
    options: ProbeManagerOptions = {},
  ) {
    const defaults = [process.cwd()];
    if (process.argv[1] !== undefined) defaults.push(dirname(resolve(process.argv[1])));
    this.roots = [...new Set((options.roots ?? defaults).map((r) => resolve(r)))];
  }

  // ---- public API -------------------------------------------------------

  start(): void {
    if (this.started) return;
    this.started = true;
    try {
      this.runtime = installRuntime();
      this.client.connect();
      this.client.on('Debugger.scriptParsed', (message) => this.onScriptParsed(message.params));
      this.enqueue(async () => {
        await this.client.post('Debugger.enable');
      });
    } catch (err) {
      this.startError = `the probe engine could not start (${describe(err)}); probes cannot be installed in this process`;
    }
  }

  upsert(spec: ProbeSpec): void {
    try {
      this.upsertUnsafe(spec);
    } catch (err) {
      this.report(spec.id, 'error', `internal error while installing the probe: ${describe(err)}`);
    }
  }

  remove(id: string): void {
    try {
      const probe = this.probes.get(id);
      if (probe === undefined) return;
      this.probes.delete(id);
      this.retire(probe);
    } catch {
      // removal is best effort; the slot is already silenced by retire()
    }
  }

  setAll(specs: ProbeSpec[]): void {
    try {
      const keep = new Set(specs.map((s) => s.id));
      for (const id of [...this.probes.keys()]) if (!keep.has(id)) this.remove(id);
      for (const spec of specs) this.upsert(spec);
    } catch {
      // upsert and remove report their own failures
    }
  }

  hits(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [id, probe] of this.probes) out.set(id, probe.counter.hits);
    return out;
  }

  loadedFiles(): string[] {
    return this.registry.paths();
  }

  query(file: string): FileQueryAnswer {
    try {
      const r = resolveFile(file, this.registry.paths(), this.roots);
      switch (r.kind) {
        case 'loaded':
          return { loadedPath: r.path };
        case 'on-disk':
          return { existingPath: r.path };
        case 'ambiguous':
          return { candidates: r.candidates };
        default:
          return {};
      }
    } catch {
      return {};
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      for (const probe of this.probes.values()) this.silence(probe);
      this.probes.clear();
      this.pending.clear();
      if (this.filesTimer !== undefined) clearTimeout(this.filesTimer);
      if (this.pendingFlush !== undefined) clearImmediate(this.pendingFlush);
      this.enqueue(async () => {
        for (const state of this.scripts.values()) {
          state.retry.cancel();
          for (const probe of state.probes) await this.clearBreakpoint(probe);
          state.probes.clear();
          await this.reconcile(state);
          state.retry.cancel();
        }
        this.client.disconnect();
      });
    } catch {
      // stopping must never throw into the host
    }
  }

  /** Resolves when every queued inspector operation has finished (tests, orderly shutdown). */
  whenIdle(): Promise<void> {
    return this.queue;
  }

  // ---- installing ---------------------------------------------------------

  private upsertUnsafe(spec: ProbeSpec): void {
    const existing = this.probes.get(spec.id);
    if (existing !== undefined && sameSpec(existing.spec, spec)) {
      // After a reconnect the gateway resends everything: say where it stands.
      if (existing.lastState !== undefined) this.reemit(existing);
      return;
    }
    if (existing !== undefined) this.remove(spec.id);
    const problem = this.checkSpec(spec);
    if (problem !== undefined) {
      this.report(spec.id, 'error', problem);
      return;
    }
    const compiled = compileProbe(spec);
    if (!compiled.ok) {
      this.report(spec.id, 'error', `${compiled.error}; nothing was installed`);
      return;
    }
    const counter = { hits: 0 };
    const probe: Probe = {
      spec: { ...spec },
      compiled: compiled.probe,
      counter,
      slot: -1,
      removed: false,
      patchable: true,
      conditionFailureReported: false,
    };
    (probe as { slot: number }).slot = this.runtime!.allocate({
      literals: compiled.probe.literals,
      line: (text) => {
        counter.hits++;
        this.sink.log(spec.id, text, Date.now());
      },
      failed: (reason) => {
        if (probe.conditionFailureReported) return;
        probe.conditionFailureReported = true;
        this.sink.log(spec.id, `[sonde] the condition could not be evaluated: ${reason}; no line is logged while it fails`, Date.now());
      },
    });
    this.probes.set(spec.id, probe);
    this.enqueue(() => this.place(probe));
  }

  private checkSpec(spec: ProbeSpec): string | undefined {
    if (this.stopped) return 'the probe engine was stopped; start a new one to install probes';
    if (!this.started) return 'the probe engine was not started: call start() before upsert()';
    if (this.startError !== undefined) return this.startError;
    if (typeof spec.file !== 'string' || spec.file.trim() === '') return 'the probe has no file: give a path relative to the workspace';
    if (!Number.isInteger(spec.line) || spec.line < 1) return `line ${String(spec.line)} is not a line number: lines start at 1`;
    if (typeof spec.format !== 'string' || typeof spec.condition !== 'string') return 'format and condition must be strings (empty condition means always)';
    return undefined;
  }

  /** Finds the probe's file and installs it there, or leaves it pending until the file loads. */
  private async place(probe: Probe): Promise<void> {
    if (probe.removed) return;
    try {
      const r = resolveFile(probe.spec.file, this.registry.paths(), this.roots);
      if (r.kind === 'ambiguous') {
        this.fail(probe, `${probe.spec.file} matches several files equally well: ${r.candidates.join(', ')}; give more of the path`);
        return;
      }
      if (r.kind === 'none') {
        this.fail(
          probe,
          `${probe.spec.file} is not loaded in this process and was not found under ${this.roots.join(', ')}; ` +
            'check the path (relative to the workspace root) or start the agent with roots that contain it',
        );
        return;
      }
      probe.path = r.path;
      const script = r.kind === 'loaded' ? this.registry.newest(r.path) : undefined;
      if (script === undefined) {
        this.addPending(probe, r.path);
        this.report(probe.spec.id, 'pending', `${r.path} is not loaded yet; the probe goes in when it loads`);
        return;
      }
      await this.bind(probe, script);
    } catch (err) {
      this.fail(probe, `could not install the probe: ${describe(err)}`);
    }
  }

  private async bind(probe: Probe, script: ScriptInfo): Promise<void> {
    const state = await this.stateFor(script);
    if (probe.removed) return;
    probe.scriptId = script.scriptId;
    probe.path = script.path;
    const found = state.index.siteAt(probe.spec.line);
    if (found.ok) probe.site = found.site;
    else {
      probe.site = undefined;
      probe.siteReason = found.reason;
      probe.patchable = false;
    }
    state.probes.add(probe);
    await this.reconcile(state);
  }

  private async stateFor(script: ScriptInfo): Promise<ScriptState> {
    const known = this.scripts.get(script.scriptId);
    if (known !== undefined) return known;
    const original = await this.client.scriptSource(script.scriptId);
    const again = this.scripts.get(script.scriptId);
    if (again !== undefined) return again;
    const state: ScriptState = {
      info: script,
      original,
      index: new StatementIndex(original, script.isModule),
      probes: new Set(),
      inSource: new Set(),
      current: applyInsertions(original, []),
      retry: new RetryTimer(() => this.enqueue(() => this.reconcile(state))),
    };
    this.scripts.set(script.scriptId, state);
    this.stateByPath.set(script.path, state);
    return state;
  }

  // ---- patching -----------------------------------------------------------

  /**
   * Brings the script's source as close as V8 allows to "original + every
   * live patchable probe", then serves the rest by breakpoints, reports
   * states, and retries later if V8 refused something.
   */
  private async reconcile(state: ScriptState): Promise<void> {
    const desired = new Set([...state.probes].filter((p) => p.patchable));
    const toRemove = [...state.inSource].filter((p) => !desired.has(p));
    const toAdd = [...desired].filter((p) => !state.inSource.has(p));
    let changed = false;
    if (toRemove.length + toAdd.length > 0) {
      const all = await this.trySource(state, desired);
      if (all.ok) changed = true;
      else if (toRemove.length + toAdd.length === 1) this.noteRefusal(toAdd[0], all);
      else {
        // Find out which change V8 refuses: one at a time.
        for (const p of toRemove) {
          const without = new Set(state.inSource);
          without.delete(p);
          if ((await this.trySource(state, without)).ok) changed = true;
        }
        for (const p of toAdd) {
          const outcome = await this.trySource(state, new Set([...state.inSource, p]));
          if (outcome.ok) changed = true;
          else this.noteRefusal(p, outcome);
        }
      }
    }
    await this.syncBreakpoints(state, changed);
    this.reportScript(state);
    const settled =
      [...state.inSource].every((p) => state.probes.has(p)) && [...state.probes].every((p) => !p.patchable || state.inSource.has(p));
    if (settled || this.stopped) state.retry.reset();
    else state.retry.schedule();
    if (settled && state.probes.size === 0 && state.inSource.size === 0) this.forget(state);
  }

  private noteRefusal(probe: Probe | undefined, outcome: PatchOutcome): void {
    if (probe === undefined || outcome.ok) return;
    if (outcome.status === 'BlockedByTopLevelEsModuleChange') {
      probe.patchable = false;
      probe.unpatchableReason = 'V8 cannot hot-patch the top-level code of an ES module; it runs only while the module loads';
    } else if (!outcome.blocked) {
      probe.patchable = false;
      probe.unpatchableReason = `V8 refused the patched source (${outcome.detail}); this is a Sonde bug, please report it with the format and condition`;
    }
  }

  private async trySource(state: ScriptState, probes: Set<Probe>): Promise<PatchOutcome> {
    const insertions = [...probes].map((p) => ({ site: p.site!, code: renderStatement(p.compiled, p.slot) }));
    const patch = applyInsertions(state.original, insertions);
    let result;
    try {
      result = await this.client.setScriptSource(state.info.scriptId, patch.source);
    } catch (err) {
      return { ok: false, blocked: false, status: 'ProtocolError', detail: describe(err) };
    }
    const status = result.status ?? (result.exceptionDetails === undefined ? 'Ok' : 'CompileError');
    if (status === 'Ok') {
      state.inSource = new Set(probes);
      state.current = patch;
      return { ok: true };
    }
    const d = result.exceptionDetails;
    const detail = d === undefined ? status : `${status}: ${d.exception?.description ?? d.text ?? ''} at line ${(d.lineNumber ?? 0) + 1}`;
    return { ok: false, blocked: status.startsWith('Blocked'), status, detail };
  }

  // ---- breakpoints --------------------------------------------------------

  /** Live probes not in the source get a breakpoint; patched ones lose theirs. A new source drops V8's old breakpoints, so they are set again. */
  private async syncBreakpoints(state: ScriptState, sourceChanged: boolean): Promise<void> {
    for (const probe of state.inSource) if (probe.breakpointId !== undefined) await this.clearBreakpoint(probe);
    for (const probe of [...state.probes]) {
      if (state.inSource.has(probe)) continue;
      if (probe.breakpointId !== undefined && !sourceChanged) continue;
      await this.clearBreakpoint(probe);
      await this.setBreakpoint(state, probe);
    }
  }

  private async setBreakpoint(state: ScriptState, probe: Probe): Promise<void> {
    const lineNumber = probe.spec.line - 1;
    const columnNumber = probe.site === undefined ? 0 : columnOf(state.current.source, state.current.mapOffset(probe.site.start));
    let result;
    try {
      result = await this.client.setBreakpoint(
        { scriptId: state.info.scriptId, lineNumber, columnNumber },
        renderBreakpointCondition(probe.compiled, probe.slot),
      );
    } catch (err) {
      this.detachFailed(state, probe, `could not set a breakpoint at ${state.info.path}:${probe.spec.line}: ${describe(err)}`);
      return;
    }
    if (result.actualLocation.lineNumber !== lineNumber) {
      await this.client.removeBreakpoint(result.breakpointId).catch(() => undefined);
      this.detachFailed(
        state,
        probe,
        `no code at line ${probe.spec.line} of ${state.info.path} (blank, comment or closing brace); put the probe on a line with a statement`,
      );
      return;
    }
    probe.breakpointId = result.breakpointId;
  }

  private async clearBreakpoint(probe: Probe): Promise<void> {
    const id = probe.breakpointId;
    if (id === undefined) return;
    probe.breakpointId = undefined;
    await this.client.removeBreakpoint(id).catch(() => undefined); // gone with the old source already
  }

  // ---- removal and rebinding ----------------------------------------------

  /** Silences the probe now; its code leaves the script on the queue. */
  private retire(probe: Probe): void {
    this.silence(probe);
    this.enqueue(() => this.detach(probe));
  }

  private silence(probe: Probe): void {
    probe.removed = true;
    if (probe.slot >= 0) this.runtime?.release(probe.slot);
  }

  private async detach(probe: Probe): Promise<void> {
    if (probe.path !== undefined) this.pending.get(probe.path)?.delete(probe);
    const state = probe.scriptId === undefined ? undefined : this.scripts.get(probe.scriptId);
    if (state === undefined) return;
    state.probes.delete(probe);
    await this.clearBreakpoint(probe);
    await this.reconcile(state);
  }

  /** The probe failed after being bound: report and let the script drop it. */
  private detachFailed(state: ScriptState, probe: Probe, reason: string): void {
    state.probes.delete(probe);
    this.fail(probe, reason);
  }

  private forget(state: ScriptState): void {
    state.retry.cancel();
    this.scripts.delete(state.info.scriptId);
    if (this.stateByPath.get(state.info.path) === state) this.stateByPath.delete(state.info.path);
  }

  private addPending(probe: Probe, path: string): void {
    let set = this.pending.get(path);
    if (set === undefined) this.pending.set(path, (set = new Set()));
    set.add(probe);
  }

  // ---- script events ------------------------------------------------------

  /** Runs synchronously inside module compilation: record and schedule, nothing more. */
  private onScriptParsed(params: { scriptId: string; url: string; isModule?: boolean }): void {
    try {
      const info = this.registry.add(params);
      if (info === undefined || this.stopped) return;
      if (this.filesTimer === undefined) {
        this.filesTimer = setTimeout(() => this.flushFiles(), FILES_BATCH_MS);
        this.filesTimer.unref();
      }
      const older = this.stateByPath.get(info.path);
      if (this.pending.has(info.path) || (older !== undefined && older.info.scriptId !== info.scriptId && older.probes.size > 0)) {
        this.schedulePendingFlush();
      }
    } catch {
      // never disturb module loading
    }
  }

  private flushFiles(): void {
    this.filesTimer = undefined;
    try {
      const paths = this.registry.takeFresh();
      if (paths.length > 0) this.sink.filesLoaded(paths);
    } catch {
      // the sink's problem must not become the host's
    }
  }

  /** After the loading module finished compiling: the newest script for a path is the one that runs. */
  private schedulePendingFlush(): void {
    if (this.pendingFlush !== undefined) return;
    this.pendingFlush = setImmediate(() => {
      this.pendingFlush = undefined;
      this.enqueue(() => this.flushPending());
    });
  }

  private async flushPending(): Promise<void> {
    // Probes bound to an older script of a path that loaded again move to the newest.
    for (const [path, state] of [...this.stateByPath]) {
      const newest = this.registry.newest(path);
      if (newest === undefined || newest.scriptId === state.info.scriptId || state.probes.size === 0) continue;
      for (const probe of [...state.probes]) {
        state.probes.delete(probe);
        await this.clearBreakpoint(probe);
        probe.scriptId = undefined;
        probe.site = undefined;
        probe.patchable = true;
        probe.unpatchableReason = undefined;
        this.addPending(probe, path);
      }
      await this.reconcile(state);
    }
    for (const [path, probes] of [...this.pending]) {
      const script = this.registry.newest(path);
      if (script === undefined) continue;
      this.pending.delete(path);
      for (const probe of probes) {
        if (probe.removed) continue;
        try {
          await this.bind(probe, script);
        } catch (err) {
          this.fail(probe, `could not install the probe when ${path} loaded: ${describe(err)}`);
        }
      }
    }
  }

  // ---- reporting ----------------------------------------------------------

  private reportScript(state: ScriptState): void {
    const where = (p: Probe) => `${state.info.path}:${p.spec.line}`;
    for (const probe of state.probes) {
      if (probe.removed) continue;
      if (state.inSource.has(probe)) this.report(probe.spec.id, 'active', `hot-patched ${where(probe)}`, probe);
      else if (probe.breakpointId !== undefined) {
        const why = probe.site === undefined
          ? `${probe.siteReason ?? 'no statement starts on this line'}; a breakpoint serves it, slower per hit`
          : probe.unpatchableReason ?? 'function on the stack; upgraded when it returns';
        this.report(probe.spec.id, 'active', `breakpoint at ${where(probe)} (${why})`, probe);
      }
    }
  }

  private fail(probe: Probe, reason: string): void {
    this.report(probe.spec.id, 'error', reason, probe);
    if (this.probes.get(probe.spec.id) === probe) this.silence(probe);
  }

  private reemit(probe: Probe): void {
    const [state, ...rest] = probe.lastState!.split('\u0000');
    this.safeState(probe.spec.id, state as ProbeStateKind, rest.join(''));
  }

  /** Reports a state change; repeats of the same state and reason are dropped. */
  private report(id: string, state: ProbeStateKind, reason: string, probe?: Probe): void {
    if (probe !== undefined) {
      if (probe.removed && state !== 'error') return;
      const key = `${state}\u0000${reason}`;
      if (probe.lastState === key) return;
      probe.lastState = key;
    }
    this.safeState(id, state, reason);
  }

  private safeState(id: string, state: ProbeStateKind, reason: string): void {
    try {
      this.sink.state(id, state, reason);
    } catch {
      // the sink's problem must not become the host's
    }
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch(() => undefined); // tasks report their own failures
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
