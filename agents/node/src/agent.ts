// The agent: wires the probe engine to the gateway connection, batches what
// probes report, and keeps every failure inside itself. Action states live
// in the engine (one owner); each flush takes the ones not sent yet. Every
// string it sends is well-formed UTF-16 (lone surrogates become U+FFFD), so
// that protobufjs never encodes invalid UTF-8 and the gateway never refuses
// a batch for one character.
import { hostname } from 'node:os';
import { enumLabel, int64, SONDE_VERSION, sonde, type EnvelopeInit } from '@sonde/protocol';
import { fitFrames, RequestError } from '@sonde/rpc';
import { escapeControls } from './app-output.js';
import type { AgentConfig } from './config.js';
import { EventBuffer } from './event-buffer.js';
import { FlushPacing } from './flush-pacing.js';
import { GatewayConnection } from './gateway-connection.js';
import { HitReports } from './hit-reports.js';
import { cutAt, ProbeEngine, wellFormed, type ProbeEvent, type QuotaOptions } from './probes/index.js';
import { AGENT_NAME, editorLineOf, LINE_MATCH, snapshotChars, toActionState, toPolicySettings, toSnapshot, toSpec } from './wire.js';

const { ErrorCode, LogDestination, LogLevel, Runtime } = sonde.v1;

const FLUSH_INTERVAL_MS = 100;
const STATS_INTERVAL_MS = 10_000;
const BUFFER_CAPACITY = 10_000;
const MAX_LOG_TEXT = 8 * 1024;

/** Limits a test may lower; production uses the defaults. */
export interface AgentLimits {
  /** Log lines kept while the gateway is away (default 10,000). */
  bufferCapacity?: number;
  quota?: QuotaOptions;
  /** How often AgentStats goes out (default 10 s). */
  statsIntervalMs?: number;
  /** How often what accumulated is sent while events keep coming (default 100 ms). */
  flushIntervalMs?: number;
  /** How long after sending a line the agent counts as busy and keeps to the interval (default 100 ms). */
  quietMs?: number;
}

/** What each log level's lines start with in the app's own output; looked up per hit, so built once. */
const APP_PREFIX: Record<number, string> = Object.fromEntries(
  Object.values(LogLevel)
    .filter((v): v is sonde.v1.LogLevel => typeof v === 'number')
    .map((level) => [level, `[sonde ${enumLabel(LogLevel, level)}] `]),
);

/** The UTF-16 units of an event's strings, whatever its kind: what an estimate of its frame bytes starts from. */
function eventChars(e: sonde.v1.IEvent): number {
  return (e.log?.text?.length ?? 0) + (e.metric?.name?.length ?? 0) + (e.snapshot ? snapshotChars(e.snapshot) : 0) + (e.state ? (e.state.reason?.length ?? 0) + (e.state.actionId?.length ?? 0) : 0);
}

/**
 * A flush's items in frames that fit the gateway's limit, estimated rather
 * than encoded one by one (this runs in the app): UTF-8 takes at most three
 * bytes a UTF-16 unit, plus room for each item's tags, ids and numbers.
 */
function inFrames<T>(items: readonly T[], build: (chunk: T[]) => EnvelopeInit, chars: (item: T) => number): EnvelopeInit[] {
  return fitFrames(items, build, { cost: (item) => 3 * chars(item) + 128 });
}

export class Agent {
  private readonly engine: ProbeEngine;
  private readonly connection: GatewayConnection;
  private readonly logs: EventBuffer<sonde.v1.IEvent>;
  private readonly counts: HitReports;
  private readonly actions = new Map<string, sonde.v1.IAction>();
  private newFiles: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly pacing: FlushPacing;
  private lastStatsMs = 0;
  private readonly statsIntervalMs: number;
  private readonly flushIntervalMs: number;

  constructor(
    readonly config: AgentConfig,
    private readonly log: (msg: string) => void,
    limits: AgentLimits = {},
  ) {
    this.counts = new HitReports(config.agentId);
    this.statsIntervalMs = limits.statsIntervalMs ?? STATS_INTERVAL_MS;
    this.flushIntervalMs = limits.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    this.pacing = new FlushPacing(() => this.flush(), limits.quietMs);
    this.logs = new EventBuffer<sonde.v1.IEvent>(limits.bufferCapacity ?? BUFFER_CAPACITY, (e) => this.counts.drop((e.log ?? e.metric ?? e.snapshot)?.actionId));
    this.engine = new ProbeEngine(
      {
        event: (actionId, event) => {
          this.onEvent(actionId, event);
          this.pacing.event(actionId);
        },
        state: () => this.pacing.state(),
        filesLoaded: (paths) => {
          for (const path of paths) this.newFiles.push(wellFormed(path));
        },
      },
      { roots: config.roots, agentName: AGENT_NAME, log, maxProbes: config.maxProbes, hotPatch: config.hotPatch, metricIntervalMs: config.metricIntervalMs, quota: limits.quota },
    );
    this.connection = new GatewayConnection(config.gatewayUrl, config.agentKey, {
      hello: () => this.hello(),
      onActionSet: (actions, policy) => {
        this.applyPolicy(policy);
        this.setAll(actions);
      },
      onPolicy: (policy) => this.applyPolicy(policy),
      onUpsert: (action) => this.upsert(action),
      onRemoved: (id) => this.remove(id),
      onFileQuery: (query) => this.fileQuery(query),
    }, log);
  }

  /** What a hit produced. The event object is reused by the engine: read it at once. */
  private onEvent(actionId: string, event: ProbeEvent): void {
    switch (event.kind) {
      case 'log':
        this.logLine(actionId, event.text, event.timeMs);
        break;
      case 'snapshot':
        this.logs.push({ snapshot: toSnapshot(actionId, event) });
        break;
      case 'metric': {
        const { name, startMs, endMs, count, sum, min, max, p50, p90, p99 } = event;
        this.logs.push({ metric: { actionId, name: wellFormed(name), intervalStartMs: startMs, intervalEndMs: endMs, count, sum, min, max, p50, p90, p99 } });
        break;
      }
    }
  }

  /** The gateway's question about a path; a failure of the look-up is an error reply, never "not under its roots". */
  private async fileQuery(query: sonde.v1.IFileQuery): Promise<sonde.v1.IFileQueryResult> {
    const path = query.path ?? '';
    const { internalError, ...answer } = this.engine.query(path);
    if (internalError !== undefined) throw new RequestError(ErrorCode.ERROR_CODE_INTERNAL, wellFormed(`the agent failed to look up ${path}: ${internalError}`));
    const { loadedPath, existingPath, candidates } = answer;
    return {
      loadedPath: loadedPath === undefined ? undefined : wellFormed(loadedPath),
      existingPath: existingPath === undefined ? undefined : wellFormed(existingPath),
      candidates: candidates?.map(wellFormed),
      ...(loadedPath === undefined && existingPath === undefined ? {} : await this.compared(query)),
    };
  }

  /** How the loaded file compares with the editor's at the action's line, for the gateway's choice of agents. */
  private async compared(q: sonde.v1.IFileQuery): Promise<sonde.v1.IFileQueryResult> {
    const { editorLine } = editorLineOf(q);
    const c = await this.engine.compareWithEditor(q.path ?? '', q.editorContentHash ?? '', editorLine && q.line ? { line: q.line, ...editorLine } : undefined);
    return { sameContent: c.sameContent, lineMatch: LINE_MATCH[c.match], lineMatchReason: wellFormed(c.reason) };
  }

  /**
   * One hit's line: to the editor (through the gateway), the app's own output
   * (one line, control characters escaped), or both, as the action says.
   */
  private logLine(actionId: string, text: string, timeMs: number): void {
    const action = this.actions.get(actionId);
    const level = action?.logLevel || LogLevel.LOG_LEVEL_INFO;
    // Cut never between the halves of a pair; lone surrogates a value brought in are mended at flush, off the hit
    // (the app's own output needs nothing: its UTF-8 encoder writes them as U+FFFD already).
    const line = text.length > MAX_LOG_TEXT ? `${cutAt(text, MAX_LOG_TEXT)}…` : text;
    const destination = action?.logDestination ?? LogDestination.LOG_DESTINATION_UNSPECIFIED;
    if (destination === LogDestination.LOG_DESTINATION_APP || destination === LogDestination.LOG_DESTINATION_BOTH) {
      const stream = level >= LogLevel.LOG_LEVEL_WARN ? process.stderr : process.stdout;
      if (!stream.destroyed && stream.writable) stream.write(`${APP_PREFIX[level] ?? APP_PREFIX[LogLevel.LOG_LEVEL_INFO]}${escapeControls(line)}\n`);
    }
    if (destination !== LogDestination.LOG_DESTINATION_APP) this.logs.push({ log: { actionId, timeMs, text: line, level } });
  }

  start(): void {
    this.engine.start();
    this.connection.start();
    this.flushTimer = setInterval(() => this.flush(), this.flushIntervalMs);
    this.flushTimer.unref();
  }

  stop(): void {
    clearInterval(this.flushTimer);
    this.pacing.stop();
    this.flush();
    this.connection.stop();
    this.engine.stop();
  }

  private hello(): sonde.v1.IHello {
    this.newFiles = [];
    // Everything is re-reported on reconnect.
    this.counts.resend();
    this.engine.resendStates();
    return {
      agentId: wellFormed(this.config.agentId),
      instanceId: this.config.instanceId,
      runtime: Runtime.RUNTIME_NODE,
      runtimeVersion: process.version,
      host: hostname(),
      pid: process.pid,
      appName: wellFormed(this.config.appName),
      appVersion: wellFormed(this.config.appVersion),
      tags: this.config.tags.map(wellFormed),
      agentVersion: SONDE_VERSION,
      files: this.engine.loadedFiles().map((path) => ({ path: wellFormed(path) })),
      roots: this.config.roots.map(wellFormed),
    };
  }

  /** The operator's policy, live: refused parts (a pattern that could backtrack without bound) are said in the log. */
  private applyPolicy(policy: sonde.v1.IPolicy): void {
    for (const why of this.engine.setPolicy(toPolicySettings(policy))) this.log(`policy: ${why}`);
  }

  private setAll(actions: sonde.v1.IAction[]): void {
    const keep = new Set(actions.map((a) => a.id ?? ''));
    for (const id of this.actions.keys()) {
      if (keep.has(id)) continue;
      this.counts.forget(id);
      this.pacing.forget(id);
    }
    this.actions.clear();
    for (const a of actions) this.actions.set(a.id ?? '', a);
    this.engine.setAll(actions.map(toSpec));
  }

  private upsert(action: sonde.v1.IAction): void {
    this.actions.set(action.id ?? '', action);
    this.engine.upsert(toSpec(action));
  }

  private remove(id: string): void {
    this.actions.delete(id);
    this.pacing.forget(id);
    this.counts.forget(id);
    this.engine.remove(id);
  }

  private expireDue(now: number): void {
    for (const [id, a] of this.actions) {
      const expires = int64(a.expiresAtMs);
      if (expires && expires <= now) {
        this.remove(id);
        this.log(`action ${id} expired`);
      }
    }
  }

  /** Sends what accumulated: states first, then log lines, hit counts and stats, in batches. */
  private flush(): void {
    try {
      const now = Date.now();
      this.expireDue(now);
      if (!this.connection.isReady) return;
      if (this.newFiles.length) {
        for (const frame of inFrames(this.newFiles, (paths) => ({ filesLoaded: { files: paths.map((path) => ({ path })) } }), (path) => path.length)) {
          this.connection.send(frame);
        }
        this.newFiles = [];
      }
      const events: sonde.v1.IEvent[] = this.engine.takeStates().map((s) => ({ state: toActionState(s, this.config.agentId) }));
      while (this.logs.size) {
        for (const e of this.logs.take(256)) {
          if (e.log) e.log.text = wellFormed(e.log.text ?? '');
          events.push(e);
        }
      }
      events.push(...this.counts.changed(this.engine.counters(), (id) => this.actions.has(id)));
      if (now - this.lastStatsMs >= this.statsIntervalMs) {
        this.lastStatsMs = now;
        events.push(this.counts.stats(this.engine.counters(), this.actions.size));
      }
      this.pacing.sent(events.some((e) => e.log || e.snapshot || e.metric));
      if (events.length > 0) for (const frame of inFrames(events, (batch) => ({ events: { events: batch } }), eventChars)) this.sendEvents(frame.events!.events!);
    } catch (err) {
      this.log(`flush failed: ${(err as Error).stack ?? err}`);
    }
  }

  /** One batch; its lines count as dropped when it could not be sent (the link went down mid-flush). */
  private sendEvents(events: sonde.v1.IEvent[]): void {
    if (this.connection.send({ events: { events } })) return;
    for (const e of events) {
      const dropped = e.log ?? e.metric ?? e.snapshot;
      if (dropped) this.counts.drop(dropped.actionId);
    }
  }
}
