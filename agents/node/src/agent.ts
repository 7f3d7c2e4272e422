// The agent: wires the probe engine to the gateway connection, batches what
// probes report, and keeps every failure inside itself.
import { hostname } from 'node:os';
import { enumLabel, int64, sonde } from '@sonde/protocol';
import type { AgentConfig } from './config.js';
import { EventBuffer } from './event-buffer.js';
import { GatewayConnection } from './gateway-connection.js';
import { ProbeManager, type ProbeSpec, type ProbeStateKind } from './probes/index.js';

const { ActionKind, ActionStateKind, LogDestination, LogLevel, Runtime } = sonde.v1;
export const AGENT_VERSION = '0.1.0';

const FLUSH_INTERVAL_MS = 100;
const STATS_INTERVAL_MS = 10_000;
const BUFFER_CAPACITY = 10_000;
/** Keeps a batch well under the gateway's 1 MiB frame limit. */
const BATCH_BYTES = 256 * 1024;
const MAX_LOG_TEXT = 8 * 1024;

const STATE_KIND: Record<ProbeStateKind, sonde.v1.ActionStateKind> = {
  active: ActionStateKind.ACTION_STATE_KIND_ACTIVE,
  pending: ActionStateKind.ACTION_STATE_KIND_PENDING,
  error: ActionStateKind.ACTION_STATE_KIND_ERROR,
  paused: ActionStateKind.ACTION_STATE_KIND_PAUSED_QUOTA,
};

export class Agent {
  private readonly manager: ProbeManager;
  private readonly connection: GatewayConnection;
  private readonly logs = new EventBuffer<sonde.v1.IEvent>(BUFFER_CAPACITY);
  /** The latest state of each action, sent once; never dropped. */
  private readonly states = new Map<string, sonde.v1.IActionState>();
  private readonly unsentStates = new Set<string>();
  private readonly actions = new Map<string, sonde.v1.IAction>();
  private readonly sentHits = new Map<string, number>();
  private newFiles: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private lastStatsMs = 0;

  constructor(
    readonly config: AgentConfig,
    private readonly log: (msg: string) => void,
  ) {
    this.manager = new ProbeManager(
      {
        state: (actionId, state, reason) => this.setState(actionId, STATE_KIND[state], reason),
        log: (actionId, text, timeMs) => this.logLine(actionId, text, timeMs),
        filesLoaded: (paths) => {
          this.newFiles.push(...paths);
        },
      },
      { roots: config.roots },
    );
    this.connection = new GatewayConnection(config.gatewayUrl, config.agentKey, {
      hello: () => this.hello(),
      onActionSet: (actions) => this.setAll(actions),
      onUpsert: (action) => this.upsert(action),
      onRemoved: (id) => this.remove(id),
      onFileQuery: (path) => this.manager.query(path),
    }, log);
  }

  /** One hit's line: to the editor (through the gateway), the app's own output, or both, as the action says. */
  private logLine(actionId: string, text: string, timeMs: number): void {
    const action = this.actions.get(actionId);
    const level = action?.logLevel || LogLevel.LOG_LEVEL_INFO;
    const line = text.length > MAX_LOG_TEXT ? `${text.slice(0, MAX_LOG_TEXT)}…` : text;
    const destination = action?.logDestination ?? LogDestination.LOG_DESTINATION_UNSPECIFIED;
    if (destination === LogDestination.LOG_DESTINATION_APP || destination === LogDestination.LOG_DESTINATION_BOTH) {
      const stream = level >= LogLevel.LOG_LEVEL_WARN ? process.stderr : process.stdout;
      if (!stream.destroyed && stream.writable) stream.write(`[sonde ${enumLabel(LogLevel, level)}] ${line}\n`);
    }
    if (destination !== LogDestination.LOG_DESTINATION_APP) this.logs.push({ log: { actionId, timeMs, text: line, level } });
  }

  start(): void {
    this.manager.start();
    this.connection.start();
    this.flushTimer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
  }

  stop(): void {
    clearInterval(this.flushTimer);
    this.flush();
    this.connection.stop();
    this.manager.stop();
  }

  private hello(): sonde.v1.IHello {
    this.newFiles = [];
    // Everything is re-reported on reconnect.
    this.sentHits.clear();
    for (const id of this.states.keys()) this.unsentStates.add(id);
    return {
      agentId: this.config.agentId,
      instanceId: this.config.instanceId,
      runtime: Runtime.RUNTIME_NODE,
      runtimeVersion: process.version,
      host: hostname(),
      pid: process.pid,
      appName: this.config.appName,
      appVersion: this.config.appVersion,
      tags: this.config.tags,
      agentVersion: AGENT_VERSION,
      files: this.manager.loadedFiles().map((path) => ({ path })),
      roots: this.config.roots,
    };
  }

  private setAll(actions: sonde.v1.IAction[]): void {
    const specs: ProbeSpec[] = [];
    this.actions.clear();
    for (const id of this.states.keys()) if (!actions.some((a) => a.id === id)) this.states.delete(id);
    for (const a of actions) {
      this.actions.set(a.id ?? '', a);
      const spec = this.toSpec(a);
      if (spec) specs.push(spec);
    }
    this.manager.setAll(specs);
  }

  private upsert(action: sonde.v1.IAction): void {
    this.actions.set(action.id ?? '', action);
    const spec = this.toSpec(action);
    if (spec) this.manager.upsert(spec);
  }

  private remove(id: string): void {
    this.actions.delete(id);
    this.states.delete(id);
    this.manager.remove(id);
  }

  /** The probe for an action, or undefined (with an error state) when this agent cannot run it. */
  private toSpec(a: sonde.v1.IAction): ProbeSpec | undefined {
    const id = a.id ?? '';
    if (a.kind !== ActionKind.ACTION_KIND_LOG) {
      this.setState(id, ActionStateKind.ACTION_STATE_KIND_ERROR, `${sonde.v1.ActionKind[a.kind ?? 0]} is not supported by the Node.js agent ${AGENT_VERSION} yet; only logs are`);
      return undefined;
    }
    return { id, file: a.location?.file ?? '', line: a.location?.line ?? 0, format: a.format ?? '', condition: a.condition ?? '' };
  }

  private setState(actionId: string, state: sonde.v1.ActionStateKind, reason: string): void {
    this.states.set(actionId, { actionId, agentId: this.config.agentId, state, reason, timeMs: Date.now() });
    this.unsentStates.add(actionId);
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
      const events: sonde.v1.IEvent[] = [];
      for (const id of this.unsentStates) {
        const state = this.states.get(id);
        if (state) events.push({ state });
      }
      this.unsentStates.clear();
      if (this.newFiles.length) {
        this.connection.send({ filesLoaded: { files: this.newFiles.map((path) => ({ path })) } });
        this.newFiles = [];
      }
      let bytes = 0;
      while (this.logs.size) {
        for (const e of this.logs.take(256)) {
          events.push(e);
          bytes += (e.log?.text?.length ?? 0) + 64;
        }
        if (bytes > BATCH_BYTES) {
          this.connection.send({ events: { events: events.splice(0) } });
          bytes = 0;
        }
      }
      for (const [actionId, hits] of this.manager.hits()) {
        if ((this.sentHits.get(actionId) ?? 0) === hits || !this.actions.has(actionId)) continue;
        this.sentHits.set(actionId, hits);
        events.push({ hits: { actionId, agentId: this.config.agentId, hits } });
      }
      if (now - this.lastStatsMs >= STATS_INTERVAL_MS) {
        this.lastStatsMs = now;
        let total = 0;
        for (const h of this.manager.hits().values()) total += h;
        events.push({ stats: { agentId: this.config.agentId, hits: total, droppedEvents: this.logs.dropped, activeProbes: this.actions.size } });
      }
      if (events.length) this.connection.send({ events: { events } });
    } catch (err) {
      this.log(`flush failed: ${(err as Error).stack ?? err}`);
    }
  }
}
