// The probe engine's front door: it orchestrates. Admission has a spec's kind
// compile it, the placer finds its file, PendingLoads holds probes until it
// loads, a ScriptPatcher per script talks to V8, the StateReporter holds every
// state. Inspector work runs on one serial TaskQueue, installs in batches
// (InstallQueue) yielding to the host (TurnBudget); past maxProbes a spec
// waits with 'probe-limit'. Nothing throws into the host.

import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { precheck, type EngineStatus } from './admission.js';
import { describe, logToStderr } from './describe.js';
import { LoadedFilesBatch } from './file-batch.js';
import { mapFramesWith } from './frame-mapping.js';
import { compareFileWithEditor, type EditorComparison } from './editor-match.js';
import { setClosureInspector } from './getter-closures.js';
import type { EditorLine } from './line-match.js';
import { InspectorClient } from './inspector-client.js';
import { InstallQueue } from './install-queue.js';
import { PendingLoads } from './pending-loads.js';
import { LiveEditPolicy } from './live-edit-policy.js';
import { Patchers } from './patchers.js';
import { Placer } from './placement.js';
import { DEFAULT_MAX_PROBES, placeProbe, probeLimitReason } from './place-probe.js';
import { makeProbe } from './make-probe.js';
import { MetricWindows } from './metric-window.js';
import { patcherListener, sameSpec, type Probe } from './probe.js';
import { ProbeTable } from './probe-table.js';
import { AgentPolicy, type PolicySettings } from './policy.js';
import { installRuntime, type ProbeRuntime } from './runtime.js';
import { ScriptRegistry, type ScriptParsedParams } from './scripts.js';
import { SourceMaps } from './source-maps.js';
import { StateReporter } from './state-reporter.js';
import { TaskQueue } from './task-queue.js';
import { TurnBudget } from './turn-budget.js';
import type { AnySpec, FileQueryAnswer, HitCounter, ProbeEngineOptions, ProbeSink, ProbeState, ProbeStateKind, ReasonCode } from './types.js';

/** The agent's own compiled code (dist/src): never offered for probes, a probe there could recurse. */
const AGENT_CODE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..') + sep;

export class ProbeEngine {
  private readonly log: (message: string) => void;
  private readonly status: EngineStatus;
  private readonly policy: AgentPolicy;
  private readonly metrics: MetricWindows;
  private readonly client = new InspectorClient();
  private readonly registry = new ScriptRegistry((path) => path.startsWith(AGENT_CODE_DIR));
  private readonly placer: Placer;
  private readonly states: StateReporter;
  private readonly queue: TaskQueue;
  private readonly files: LoadedFilesBatch;
  private readonly pending: PendingLoads;
  private readonly patchers: Patchers;
  private readonly budget = new TurnBudget();
  private readonly work: InstallQueue;
  private runtime: ProbeRuntime | undefined;
  private readonly probes: ProbeTable;

  private readonly listener = patcherListener((...a) => this.report(...a), (...a) => this.fail(...a));

  constructor(
    private readonly sink: ProbeSink,
    options: ProbeEngineOptions = {},
  ) {
    const defaults = [process.cwd()];
    if (process.argv[1] !== undefined) defaults.push(dirname(resolve(process.argv[1])));
    this.log = options.log ?? logToStderr;
    this.status = { started: false, stopped: false, startError: undefined, agentName: options.agentName ?? 'the Node.js agent' };
    this.policy = new AgentPolicy(options.quota);
    this.metrics = new MetricWindows(sink, this.log, options.metricIntervalMs);
    this.states = new StateReporter(sink, this.log);
    this.probes = new ProbeTable(options.maxProbes ?? DEFAULT_MAX_PROBES);
    this.queue = new TaskQueue(this.log, this.budget);
    const pause = () => this.budget.pause();
    this.files = new LoadedFilesBatch(this.registry, sink, this.log);
    const schedule = (task: () => Promise<void>) => this.queue.enqueue(task);
    const fail = (probe: Probe, reason: string, code: ReasonCode) => this.fail(probe, reason, code);
    this.patchers = new Patchers({ client: this.client, listener: this.listener, schedule, pause, policy: new LiveEditPolicy(options.hotPatch), runtime: () => this.runtime!, blockedFunction: (names) => this.policy.functionBlockReason(names) });
    const roots = [...new Set((options.roots ?? defaults).map((r) => resolve(r)))];
    const sourceMaps = new SourceMaps();
    this.placer = new Placer(this.registry, sourceMaps, this.patchers, roots);
    mapFramesWith(this.registry, sourceMaps);
    this.pending = new PendingLoads({ registry: this.registry, patchers: this.patchers, placer: this.placer, schedule, fail, pause });
    const pendingState = (probe: Probe, reason: string): void => this.report(probe, 'pending', reason, 'file-not-loaded');
    const placing = { placer: this.placer, pending: this.pending, fail, pendingState };
    this.work = new InstallQueue({
      schedule,
      pause,
      detach: (probe) => this.detach(probe),
      admit: (spec) => this.admitSpec(spec),
      place: (probe, cache) => placeProbe(probe, cache, placing),
      apply: () => this.patchers.applyStaged(),
    });
  }

  // ---- public API -------------------------------------------------------

  start(): void {
    if (this.status.started) return;
    this.status.started = true;
    try {
      this.runtime = installRuntime();
      this.client.connect();
      setClosureInspector(this.client);
      this.client.on('Debugger.scriptParsed', (message) => this.onScriptParsed(message.params));
      this.queue.enqueue(async () => {
        // Scripts reported before enable answers are the replay of what was already loaded.
        this.registry.replaying = true;
        try {
          await this.client.post('Debugger.enable');
        } finally {
          this.registry.replaying = false;
        }
      });
    } catch (err) {
      this.status.startError = `the probe engine could not start (${describe(err)}); probes cannot be installed in this process`;
    }
  }

  upsert(spec: AnySpec): void {
    try {
      this.upsertUnsafe(spec);
    } catch (err) {
      this.states.report(String(spec?.id), 'error', `internal error while installing the probe: ${describe(err)}`, 'internal-error');
    }
  }

  /** Removes the action's probe and forgets its state. */
  remove(id: string): void {
    this.states.forget(id);
    this.work.drop(id);
    this.removeProbe(id);
  }

  /** Applies the operator's policy live; probes it now blocklists are taken out, saying why. Returns what it refused. */
  setPolicy(policy: PolicySettings): string[] {
    const refused = this.policy.set(policy);
    for (const [id, reason] of this.policy.blockedAmong(this.probes)) {
      this.removeProbe(id);
      this.states.report(id, 'error', reason, 'blocked');
    }
    return refused;
  }

  setAll(specs: AnySpec[]): void {
    try {
      const keep = new Set(specs.map((s) => s.id));
      this.states.retain(keep);
      this.work.retain(keep);
      for (const id of [...this.probes.keys()]) if (!keep.has(id)) this.removeProbe(id);
      for (const spec of specs) this.upsert(spec);
    } catch (err) {
      this.log(`internal error while replacing the probes: ${describe(err)}`);
    }
  }

  hits(): Map<string, number> {
    return new Map([...this.counters()].map(([id, c]) => [id, c.hits]));
  }

  /** Each action's counter (hits, suppressed), live: read it, do not keep it. Walked every flush, so it allocates no list. */
  *counters(): Generator<readonly [string, Readonly<HitCounter>]> {
    for (const [id, probe] of this.probes) yield [id, probe.counter];
  }

  loadedFiles(): string[] { return this.registry.paths(); }

  /** Whether the file that runs for a path is the editor's at a line (editor-match.ts); unknown when it cannot say. */
  compareWithEditor(file: string, hash: string, line?: EditorLine): Promise<EditorComparison> { return compareFileWithEditor({ placer: this.placer, patchers: this.patchers, log: this.log }, file, hash, line); }

  /** What this process can say about a path; `internalError` when the look-up itself failed. */
  query(file: string): FileQueryAnswer { return this.placer.query(file); }

  /** Every state not taken yet, oldest first (each action's latest only). */
  takeStates(): ProbeState[] { return this.states.takeUnsent(); }

  /** Makes every action's latest state unsent again (a new connection to the gateway). */
  resendStates(): void { this.states.resendAll(); }

  stop(): void {
    if (this.status.stopped) return;
    this.status.stopped = true;
    try {
      for (const probe of this.probes.values()) this.silence(probe);
      this.metrics.stop();
      this.probes.clear();
      this.work.clear();
      this.pending.clear();
      this.files.cancel();
      this.queue.enqueue(async () => {
        await this.patchers.closeAll();
        setClosureInspector(undefined);
        this.client.disconnect();
      });
    } catch (err) {
      this.log(`internal error while stopping the probe engine: ${describe(err)}`); // stopping must never throw into the host
    }
  }

  /** Resolves once the inspector work queued so far is done (tests, orderly shutdown). */
  whenIdle(): Promise<void> { return this.queue.whenIdle(); }

  private upsertUnsafe(spec: AnySpec): void {
    const existing = this.probes.get(spec.id);
    const waiting = this.work.get(spec.id);
    if ((existing !== undefined && sameSpec(existing.spec, spec)) || (waiting !== undefined && sameSpec(waiting, spec))) {
      // After a reconnect the gateway resends everything: say where it stands.
      this.states.reemit(spec.id);
      return;
    }
    if (existing !== undefined) this.removeProbe(spec.id);
    const checked = precheck(spec, this.status);
    if (checked.kind === 'refused') {
      this.work.drop(spec.id);
      this.states.report(spec.id, 'error', checked.reason, checked.code);
      return;
    }
    this.work.add(spec);
  }

  /** Compiles a spec and gives it a slot: the install queue's first step. */
  private admitSpec(spec: AnySpec): Probe | undefined {
    if (this.probes.room <= 0) {
      this.states.report(spec.id, 'error', probeLimitReason(this.probes.max), 'probe-limit');
      this.work.park(spec);
      return undefined;
    }
    const blocked = this.policy.blockReason(spec);
    if (blocked !== undefined) return void this.states.report(spec.id, 'error', blocked, 'blocked');
    const { quotas, redaction } = this.policy;
    const made = makeProbe(spec, { status: this.status, runtime: this.runtime!, sink: this.sink, quota: quotas.forProbe(spec.kind), redaction, metrics: this.metrics, report: (...args) => this.report(...args) });
    if (made.kind === 'refused') {
      this.states.report(spec.id, 'error', made.reason, made.code);
      return undefined;
    }
    this.states.begin(spec.id);
    this.probes.set(spec.id, made.probe);
    return made.probe;
  }

  private removeProbe(id: string): void {
    try {
      const probe = this.probes.get(id);
      if (probe === undefined) return;
      this.probes.delete(id);
      this.silence(probe);
      this.work.detach(probe);
      this.work.room(this.probes.room);
    } catch (err) {
      // removal is best effort; silence() already made the probe inert
      this.log(`internal error while removing probe ${id}: ${describe(err)}`);
    }
  }

  /** Makes the probe inert at once (its slot stops logging); its code leaves the script on the queue. */
  private silence(probe: Probe): void {
    probe.removed = true;
    if (probe.slot >= 0) this.runtime?.release(probe.slot);
  }

  /** Stages the probe's removal from its script (applied with the batch). */
  private detach(probe: Probe): void {
    for (const copy of probe.copies.splice(0)) this.detach(copy);
    if (probe.end !== undefined) this.detach(probe.end);
    this.pending.delete(probe);
    this.patchers.unstage(probe);
  }

  /** Runs synchronously inside module compilation: record and schedule, nothing more. */
  private onScriptParsed(params: ScriptParsedParams): void {
    try {
      const info = this.registry.add(params);
      if (info === undefined || this.status.stopped) return;
      this.files.schedule();
      const mayMapPending = info.sourceMapURL !== undefined && this.pending.size > 0;
      if (mayMapPending || this.pending.has(info.path) || this.patchers.replacesProbed(info)) this.pending.wake();
    } catch (err) {
      // never disturb module loading
      this.log(`internal error while recording a loaded script (${String(params?.url)}): ${describe(err)}`);
    }
  }

  private fail(probe: Probe, reason: string, code: ReasonCode): void {
    this.report(probe, 'error', reason, code);
    if (this.probes.get(probe.spec.id) !== probe) return;
    this.silence(probe);
    this.probes.markFailed(probe.spec.id);
    this.work.room(this.probes.room);
  }

  /** A probe's change of state; the same state and reason twice in a row is said once. */
  private report(probe: Probe, state: ProbeStateKind, reason: string, code: ReasonCode): void {
    if (probe.removed && state !== 'error') return;
    if (state === 'active') {
      probe.activeHow = reason;
      probe.activeCode = code;
    }
    this.states.change(probe.spec.id, state, reason, code);
  }
}
