// The probe engine's front door: turns probe specs into installed probes.
// It checks specs (nothing unsafe is ever installed), finds the file a
// workspace-relative path means, keeps probes pending until their file loads,
// and hands each script's probes to a ScriptPatcher (which talks to V8).
//
// All inspector work runs through one serial queue of async tasks; nothing
// assumes that session callbacks are synchronous (on a same-thread session
// they are). Nothing here throws into the host: failures become
// sink.state(id, 'error', reason).

import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InspectorClient } from './inspector-client.js';
import { compileProbe, type CompiledProbe } from './probe-code.js';
import { resolveFile } from './resolve-file.js';
import { installRuntime, type ProbeRuntime } from './runtime.js';
import { ScriptPatcher, type PatcherListener } from './script-patcher.js';
import { ScriptRegistry, type ScriptInfo } from './scripts.js';
import type { FileQueryAnswer, ProbeManagerOptions, ProbeSink, ProbeSpec, ProbeStateKind } from './types.js';
import { PAUSED_REASON, Quotas } from './quota.js';
import { SourceMaps } from './source-maps.js';
import { matchPathUnder } from './path-match.js';

const FILES_BATCH_MS = 100;

/** The agent's own compiled code (dist/src): never offered for probes, a probe there could recurse. */
const AGENT_CODE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..') + sep;

interface Probe {
  readonly spec: ProbeSpec;
  /** Line in the script it is installed in: the spec's, or where a source map put it. */
  line: number;
  column?: number;
  /** `file:line` the user asked for, when a source map moved the probe to another script. */
  origin?: string;
  readonly compiled: CompiledProbe;
  readonly slot: number;
  readonly counter: { hits: number };
  removed: boolean;
  /** The file waited for or installed in. */
  path?: string;
  patcher?: ScriptPatcher<Probe>;
  lastState?: string;
  conditionFailureReported: boolean;
  /** How the probe was last reported active, to say again when it resumes after a pause. */
  activeHow: string;
  /**
   * Set on a copy: the same probe (same slot, same counter) placed in one
   * more script built from the same source. The parent holds the state.
   */
  parent?: Probe;
  /** On a parent: its copies in other scripts. */
  copies: Probe[];
}

const ownerOf = (p: Probe): Probe => p.parent ?? p;

const sameSpec = (a: ProbeSpec, b: ProbeSpec) =>
  a.file === b.file && a.line === b.line && a.format === b.format && a.condition === b.condition;

export class ProbeManager {
  private readonly roots: string[];
  private readonly quotas: Quotas;
  private readonly sourceMaps = new SourceMaps();
  private readonly client = new InspectorClient();
  private readonly registry = new ScriptRegistry((path) => path.startsWith(AGENT_CODE_DIR));
  private runtime: ProbeRuntime | undefined;
  private startError: string | undefined;
  private started = false;
  private stopped = false;

  private readonly probes = new Map<string, Probe>();
  /** Patchers by scriptId, and the one per path (its newest script). */
  private readonly patchers = new Map<string, ScriptPatcher<Probe>>();
  private readonly patcherByPath = new Map<string, ScriptPatcher<Probe>>();
  /** Probes waiting for a file (absolute path) to load. */
  private readonly pending = new Map<string, Set<Probe>>();

  private queue: Promise<void> = Promise.resolve();
  private filesTimer: NodeJS.Timeout | undefined;
  private pendingFlush: NodeJS.Immediate | undefined;

  private readonly listener: PatcherListener<Probe> = {
    active: (probe, how) => this.report(probe.spec.id, 'active', how, ownerOf(probe)),
    // A copy that cannot go in leaves the parent's state as it is.
    failed: (probe, reason) => (probe.parent ? this.dropCopy(probe) : this.fail(probe, reason)),
  };

  constructor(
    private readonly sink: ProbeSink,
    options: ProbeManagerOptions = {},
  ) {
    const defaults = [process.cwd()];
    if (process.argv[1] !== undefined) defaults.push(dirname(resolve(process.argv[1])));
    this.roots = [...new Set((options.roots ?? defaults).map((r) => resolve(r)))];
    this.quotas = new Quotas(options.quota);
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
        // Scripts reported before enable answers are the replay of what was already loaded.
        this.registry.replaying = true;
        try {
          await this.client.post('Debugger.enable');
        } finally {
          this.registry.replaying = false;
        }
      });
    } catch (err) {
      this.startError = `the probe engine could not start (${describe(err)}); probes cannot be installed in this process`;
    }
  }

  upsert(spec: ProbeSpec): void {
    try {
      this.upsertUnsafe(spec);
    } catch (err) {
      this.safeState(String(spec?.id), 'error', `internal error while installing the probe: ${describe(err)}`);
    }
  }

  remove(id: string): void {
    try {
      const probe = this.probes.get(id);
      if (probe === undefined) return;
      this.probes.delete(id);
      this.silence(probe);
      this.enqueue(() => this.detach(probe));
    } catch {
      // removal is best effort; silence() already made the probe inert
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
      if (r.kind === 'loaded') return { loadedPath: r.path };
      const mapped = this.mappedSource(file);
      if (mapped.kind === 'match') return { loadedPath: `${mapped.path} (in ${mapped.scripts.map((x) => x.path).join(', ')}, by its source map)` };
      if (mapped.kind === 'ambiguous') return { candidates: mapped.candidates };
      if (r.kind === 'on-disk') return { existingPath: r.path };
      if (r.kind === 'ambiguous') return { candidates: r.candidates };
      return {};
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
        for (const patcher of this.patchers.values()) await patcher.close();
        this.patchers.clear();
        this.patcherByPath.clear();
        this.client.disconnect();
      });
    } catch {
      // stopping must never throw into the host
    }
  }

  /** Resolves once the inspector work queued so far is done (tests, orderly shutdown). */
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
      this.safeState(spec.id, 'error', problem);
      return;
    }
    const compiled = compileProbe(spec);
    if (!compiled.ok) {
      this.safeState(spec.id, 'error', `${compiled.error}; nothing was installed`);
      return;
    }
    const counter = { hits: 0 };
    const id = spec.id;
    const probe: Probe = {
      spec: { ...spec },
      line: spec.line,
      compiled: compiled.probe,
      counter,
      slot: -1,
      removed: false,
      conditionFailureReported: false,
      activeHow: '',
      copies: [],
    };
    const quota = this.quotas.forProbe();
    let hitTime = 0; // one clock read per hit, shared by admit and line
    (probe as { slot: number }).slot = this.runtime!.allocate({
      literals: compiled.probe.literals,
      admit: () => {
        counter.hits++;
        const wasPaused = quota.paused;
        const admitted = quota.admit((hitTime = Date.now()));
        if (quota.paused !== wasPaused) {
          if (quota.paused) this.report(id, 'paused', PAUSED_REASON, probe);
          else this.report(id, 'active', probe.activeHow, probe);
        }
        return admitted;
      },
      line: (text) => {
        this.sink.log(id, text, hitTime);
      },
      failed: (reason) => {
        if (probe.conditionFailureReported) return;
        probe.conditionFailureReported = true;
        this.sink.log(id, `[sonde] the condition could not be evaluated: ${reason}; no line is logged while it fails`, Date.now());
      },
    });
    this.probes.set(id, probe);
    this.enqueue(() => this.place(probe));
  }

  private checkSpec(spec: ProbeSpec): string | undefined {
    if (this.stopped) return 'the probe engine was stopped; start a new one to install probes';
    if (!this.started) return 'the probe engine was not started: call start() before upsert()';
    if (this.startError !== undefined) return this.startError;
    if (typeof spec.file !== 'string' || spec.file.trim() === '') return 'the probe has no file: give a path relative to the workspace';
    if (!Number.isInteger(spec.line) || spec.line < 1) return `line ${String(spec.line)} is not a line number: lines start at 1`;
    if (typeof spec.format !== 'string' || typeof spec.condition !== 'string') {
      return 'format and condition must be strings (an empty condition means always)';
    }
    return undefined;
  }

  /** Finds the probe's file and installs it there, or leaves it pending until the file loads. */
  private async place(probe: Probe): Promise<void> {
    if (probe.removed) return;
    try {
      const file = probe.spec.file;
      const r = resolveFile(file, this.registry.paths(), this.roots);
      if (r.kind !== 'loaded') {
        // No loaded script has that path: perhaps one was built from it (TypeScript, a bundle).
        const mapped = this.mappedSource(file);
        if (mapped.kind === 'ambiguous') {
          this.fail(probe, `${file} matches several sources in source maps equally well: ${listSome(mapped.candidates)}; give more of the path`);
          return;
        }
        if (mapped.kind === 'match') {
          await this.installMapped(probe, mapped.scripts, mapped.path);
          return;
        }
      }
      if (r.kind === 'ambiguous') {
        this.fail(probe, `${file} matches several files equally well: ${listSome(r.candidates)}; give more of the path`);
        return;
      }
      if (r.kind === 'none') {
        this.fail(
          probe,
          `${file} is not loaded in this process and was not found under ${this.roots.join(', ')}; ` +
            'check the path (relative to the workspace root) or start the agent with roots that contain it',
        );
        return;
      }
      const script = r.kind === 'loaded' ? this.registry.newest(r.path) : undefined;
      if (script === undefined) {
        probe.path = r.path;
        this.addPending(probe, r.path);
        this.report(probe.spec.id, 'pending', `${r.path} is not loaded yet; the probe goes in when it loads`, probe);
        return;
      }
      await this.install(probe, script);
    } catch (err) {
      this.fail(probe, `could not install the probe: ${describe(err)}`);
    }
  }

  /** The original source a workspace path names, among the sources of loaded scripts' maps. */
  private mappedSource(file: string):
    | { kind: 'match'; path: string; scripts: ScriptInfo[] }
    | { kind: 'ambiguous'; candidates: string[] }
    | { kind: 'none' } {
    const sources = this.sourceMaps.sources(this.registry.scripts());
    if (sources.size === 0) return { kind: 'none' };
    const m = matchPathUnder(file, sources.keys(), this.roots);
    if (m.kind === 'ambiguous') return { kind: 'ambiguous', candidates: m.candidates };
    if (m.kind !== 'match') return { kind: 'none' };
    return { kind: 'match', path: m.path, scripts: sources.get(m.path)! };
  }

  /**
   * Installs a probe set on an original source in every script built from
   * it, on the line each one's map gives: the probe itself in the first,
   * copies sharing its slot in the others.
   */
  private async installMapped(probe: Probe, scripts: readonly ScriptInfo[], sourcePath: string): Promise<void> {
    const origin = `${sourcePath}:${probe.spec.line}`;
    const placed = scripts.flatMap((script) => {
      const pos = this.sourceMaps.generated(script, sourcePath, probe.spec.line);
      return pos === undefined ? [] : [{ script, pos }];
    });
    if (placed.length === 0) {
      const where = scripts.map((s) => s.path).join(', ');
      this.fail(probe, `line ${probe.spec.line} of ${sourcePath} has no code in ${where}, which runs it (by its source map); put the probe on a line with a statement`);
      return;
    }
    for (const [i, { script, pos }] of placed.entries()) {
      const target = i === 0 ? probe : this.copyOf(probe);
      target.line = pos.line;
      target.column = pos.column;
      target.origin = origin;
      await this.install(target, script);
    }
  }

  private copyOf(parent: Probe): Probe {
    const copy: Probe = {
      spec: parent.spec,
      line: parent.line,
      compiled: parent.compiled,
      slot: parent.slot,
      counter: parent.counter,
      removed: false,
      conditionFailureReported: false,
      activeHow: '',
      parent,
      copies: [],
    };
    parent.copies.push(copy);
    return copy;
  }

  private dropCopy(copy: Probe): void {
    const siblings = copy.parent!.copies;
    siblings.splice(siblings.indexOf(copy), 1);
  }

  private async install(probe: Probe, script: ScriptInfo): Promise<void> {
    const patcher = await this.patcherFor(script);
    if (ownerOf(probe).removed) return;
    probe.path = script.path;
    probe.patcher = patcher;
    await patcher.add(probe);
    this.forgetIfEmpty(patcher);
  }

  private async patcherFor(script: ScriptInfo): Promise<ScriptPatcher<Probe>> {
    const known = this.patchers.get(script.scriptId);
    if (known !== undefined) return known;
    const patcher = await ScriptPatcher.open(this.client, script, this.listener, (task) => this.enqueue(task));
    this.patchers.set(script.scriptId, patcher);
    this.patcherByPath.set(script.path, patcher);
    return patcher;
  }

  private forgetIfEmpty(patcher: ScriptPatcher<Probe>): void {
    if (!patcher.isEmpty) return;
    this.patchers.delete(patcher.info.scriptId);
    if (this.patcherByPath.get(patcher.info.path) === patcher) this.patcherByPath.delete(patcher.info.path);
  }

  // ---- removal ------------------------------------------------------------

  /** Makes the probe inert at once (its slot stops logging); its code leaves the script on the queue. */
  private silence(probe: Probe): void {
    probe.removed = true;
    if (probe.slot >= 0) this.runtime?.release(probe.slot);
  }

  private async detach(probe: Probe): Promise<void> {
    for (const copy of probe.copies.splice(0)) await this.detach(copy);
    const waiting = probe.path === undefined ? undefined : this.pending.get(probe.path);
    if (waiting?.delete(probe) && waiting.size === 0) this.pending.delete(probe.path!);
    const patcher = probe.patcher;
    if (patcher === undefined) return;
    probe.patcher = undefined;
    await patcher.remove(probe);
    this.forgetIfEmpty(patcher);
  }

  private addPending(probe: Probe, path: string): void {
    let set = this.pending.get(path);
    if (set === undefined) this.pending.set(path, (set = new Set()));
    set.add(probe);
  }

  // ---- script events ------------------------------------------------------

  /** Runs synchronously inside module compilation: record and schedule, nothing more. */
  private onScriptParsed(params: { scriptId: string; url: string; isModule?: boolean; sourceMapURL?: string }): void {
    try {
      const info = this.registry.add(params);
      if (info === undefined || this.stopped) return;
      if (this.filesTimer === undefined) {
        this.filesTimer = setTimeout(() => this.flushFiles(), FILES_BATCH_MS);
        this.filesTimer.unref();
      }
      const older = this.patcherByPath.get(info.path);
      const mayMapPending = info.sourceMapURL !== undefined && this.pending.size > 0;
      if (mayMapPending || this.pending.has(info.path) || (older !== undefined && older.info.scriptId !== info.scriptId && older.hasProbes)) {
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

  /** Waits for the loading module to finish compiling: the newest script for a path is the one that runs. */
  private schedulePendingFlush(): void {
    if (this.pendingFlush !== undefined) return;
    this.pendingFlush = setImmediate(() => {
      this.pendingFlush = undefined;
      this.enqueue(() => this.flushPending());
    });
  }

  private async flushPending(): Promise<void> {
    // A path compiled again: its probes move to the newest script.
    for (const [path, patcher] of [...this.patcherByPath]) {
      const newest = this.registry.newest(path);
      if (newest === undefined || newest.scriptId === patcher.info.scriptId || !patcher.hasProbes) continue;
      for (const probe of await patcher.takeAll()) {
        probe.patcher = undefined;
        this.addPending(probe, path);
      }
      this.forgetIfEmpty(patcher);
    }
    const mapped = this.pending.size > 0 ? this.sourceMaps.sources(this.registry.scripts()) : new Map<string, ScriptInfo[]>();
    for (const [path, probes] of [...this.pending]) {
      const script = this.registry.newest(path);
      const builtFrom = script === undefined ? mapped.get(path) : undefined;
      if (script === undefined && builtFrom === undefined) continue;
      this.pending.delete(path);
      for (const probe of probes) {
        if (ownerOf(probe).removed) continue;
        try {
          if (builtFrom !== undefined) await this.installMapped(probe, builtFrom, path);
          else await this.install(probe, script!);
        } catch (err) {
          this.fail(probe, `could not install the probe when ${path} loaded: ${describe(err)}`);
        }
      }
    }
  }

  // ---- reporting ----------------------------------------------------------

  private fail(probe: Probe, reason: string): void {
    this.report(probe.spec.id, 'error', reason, probe);
    if (this.probes.get(probe.spec.id) === probe) this.silence(probe);
  }

  private reemit(probe: Probe): void {
    const [state, reason] = probe.lastState!.split('\u0000') as [ProbeStateKind, string];
    this.safeState(probe.spec.id, state, reason);
  }

  /** Reports a probe's state; the same state and reason twice in a row is said once. */
  private report(id: string, state: ProbeStateKind, reason: string, probe: Probe): void {
    if (probe.removed && state !== 'error') return;
    if (state === 'active') probe.activeHow = reason;
    const key = `${state}\u0000${reason}`;
    if (probe.lastState === key) return;
    probe.lastState = key;
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

/** A readable list of at most `max` paths, saying how many more there are. */
export function listSome(paths: readonly string[], max = 10): string {
  const shown = paths.slice(0, max).join(', ');
  return paths.length > max ? `${shown} and ${paths.length - max} more` : shown;
}
