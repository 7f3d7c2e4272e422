// When actions change (state, hits, added, removed): sonde/actionState for
// each, the diagnostics of their files, and workspace/codeLens/refresh for
// clients that advertised it. Hit counts can change many times a second, so
// all of it is throttled: at most one flush per interval, carrying the latest
// state of everything that changed since the previous one.
import { sonde } from '@sonde/protocol';
import {
  kindLabel,
  leadingState,
  reasonCodeLabel,
  stateFormat,
  stateLabel,
  type ActionMirror,
  type AgentState,
  type MirrorChange,
} from '@sonde/client-core';
import type { AgentStateParams, SondeActionStateParams } from '../lsp-protocol.js';
import type { Workspace } from '../workspace.js';

export const DEFAULT_REFRESH_INTERVAL_MS = 500;

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Runs `run` at most once per `intervalMs`, soon after schedule() (never synchronously, so one batch's changes coalesce). */
export class Throttle {
  private handle: unknown;
  private last = -Infinity;
  private disposed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly run: () => void,
    private readonly timers: Timers = realTimers,
  ) {}

  schedule(): void {
    if (this.disposed || this.handle !== undefined) return;
    const delay = Math.max(0, this.last + this.intervalMs - this.timers.now());
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      this.last = this.timers.now();
      this.run();
    }, delay);
  }

  dispose(): void {
    this.disposed = true;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }
}

/** The sonde/actionState params for an action as the mirror holds it now. */
export function actionStateParams(actionId: string, mirror: ActionMirror, workspace: Workspace): SondeActionStateParams | undefined {
  const entry = mirror.get(actionId);
  if (!entry) return undefined;
  const lead = leadingState(entry);
  const params: SondeActionStateParams = {
    actionId,
    uri: workspace.uriOf(entry.file),
    line: Math.max(0, entry.line - 1),
    kind: kindLabel(entry.action),
    format: stateFormat(entry.action),
    state: stateLabel(lead?.state),
    hits: entry.hits,
    // The gateway's own state (EXPIRED) is the action's, not an agent's.
    agents: [...entry.states.values()].map(agentParams),
  };
  if (lead?.reason) params.reason = lead.reason;
  const code = lead?.reasonCode;
  if (hasCode(code)) params.reasonCode = reasonCodeLabel(code);
  // Only when non-zero, so that clients (and their tests) that never see a loss see the same params as before.
  if (entry.dropped > 0) params.dropped = entry.dropped;
  if (entry.suppressed > 0) params.suppressed = entry.suppressed;
  return params;
}

// Like `reason`, a code is said only when the agent sent one, so clients see no field rather than `unspecified`.
function hasCode(code: sonde.v1.ReasonCode | undefined): code is sonde.v1.ReasonCode {
  return code !== undefined && code !== sonde.v1.ReasonCode.REASON_CODE_UNSPECIFIED;
}

function agentParams(s: AgentState): AgentStateParams {
  return {
    agentId: s.agentId,
    state: stateLabel(s.state),
    ...(s.reason ? { reason: s.reason } : {}),
    ...(hasCode(s.reasonCode) ? { reasonCode: reasonCodeLabel(s.reasonCode) } : {}),
  };
}

export interface RefresherDeps {
  mirror: ActionMirror;
  workspace: Workspace;
  sendActionState(params: SondeActionStateParams): void;
  publishDiagnostics(files: Set<string>): void;
  /** Set only when the client advertised workspace.codeLens.refreshSupport. */
  refreshLenses: (() => void) | undefined;
  intervalMs?: number;
  timers?: Timers;
}

export class Refresher {
  private readonly pending = new Map<string, MirrorChange>();
  private readonly files = new Set<string>();
  // What was last said of each action, so that a removal can still name its kind and format.
  private readonly lastSent = new Map<string, SondeActionStateParams>();
  private readonly throttle: Throttle;

  constructor(private readonly deps: RefresherDeps) {
    this.throttle = new Throttle(deps.intervalMs ?? DEFAULT_REFRESH_INTERVAL_MS, () => this.flush(), deps.timers);
  }

  enqueue(changes: readonly MirrorChange[]): void {
    if (changes.length === 0) return;
    for (const change of changes) {
      this.pending.set(change.actionId, change);
      this.files.add(change.file);
    }
    this.throttle.schedule();
  }

  dispose(): void {
    this.throttle.dispose();
  }

  private flush(): void {
    const changes = [...this.pending.values()];
    const files = new Set(this.files);
    this.pending.clear();
    this.files.clear();
    for (const change of changes) {
      const params = actionStateParams(change.actionId, this.deps.mirror, this.deps.workspace);
      if (params) {
        this.lastSent.set(change.actionId, params);
        this.deps.sendActionState(params);
        continue;
      }
      const last = this.lastSent.get(change.actionId);
      this.lastSent.delete(change.actionId);
      const removed: SondeActionStateParams = {
        actionId: change.actionId,
        uri: this.deps.workspace.uriOf(change.file),
        line: Math.max(0, change.line - 1),
        kind: last?.kind ?? '',
        format: last?.format ?? '',
        state: 'removed',
        hits: last?.hits ?? 0,
        agents: [],
      };
      // Gone because it expired, not because someone removed it.
      if (change.expired) removed.reason = 'expired';
      if (last?.dropped) removed.dropped = last.dropped;
      if (last?.suppressed) removed.suppressed = last.suppressed;
      this.deps.sendActionState(removed);
    }
    this.deps.publishDiagnostics(files);
    this.deps.refreshLenses?.();
  }
}
