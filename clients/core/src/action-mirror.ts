// A client's view of the gateway's actions, by id: the action, each agent's
// state and the total hits, kept current from the gateway's replies and
// pushes. Knows nothing of LSP: lines here are the protocol's (1-based) and
// files are the paths the actions carry.
import { int64, sonde } from '@sonde/protocol';
import type { ActionInfo, GatewayEvent } from './gateway-client.js';

const Kind = sonde.v1.ActionStateKind;

export interface AgentState {
  agentId: string;
  state: sonde.v1.ActionStateKind;
  reason: string;
  /** The reason as a code, for clients that act on it; UNSPECIFIED when the agent sent none. */
  reasonCode: sonde.v1.ReasonCode;
  timeMs: number;
}

export interface MirroredAction {
  id: string;
  action: sonde.v1.IAction;
  /** Normalised path (forward slashes, no leading `./`). */
  file: string;
  /** 1-based. */
  line: number;
  /** Each agent's state, by agent id. */
  states: ReadonlyMap<string, AgentState>;
  /** What the gateway itself said of the action (it says EXPIRED, with no agent id, before removing it); it holds for every agent. */
  gatewayState?: AgentState;
  /** Summed over agents, as the gateway reports it. */
  hits: number;
  /** Events lost before they left an agent (its buffer was full while the gateway was away), summed over agents. */
  dropped: number;
  /** Hits whose event an agent's rate limit held back, summed over agents. */
  suppressed: number;
  /** What a hit costs its host inside the probe (ns, sampled; the highest agent's); 0 until measured. */
  costNsPerHit: number;
  /**
   * Agents that had reported a state and whose state the gateway then dropped
   * because they disconnected, until they report again: with no state left,
   * the action is not waiting for its first report but for agents to come back.
   */
  disconnected: readonly string[];
  /** Counters and metrics: each agent's latest interval, by agent id (kept from live pushes; the gateway does not store them). */
  metrics: ReadonlyMap<string, MetricFigures>;
}

/** One agent's latest interval of a counter or metric. */
export interface MetricFigures {
  startMs: number;
  endMs: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
}

/** Something about an action changed; `file`/`line` say where it is (or was, once removed). */
export interface MirrorChange {
  actionId: string;
  file: string;
  line: number;
  removed: boolean;
  /** Set on a removal the gateway announced as an expiry (it sends EXPIRED, then removes the action). */
  expired?: true;
}

/** One state standing for all agents' states, for a lens or a notification. */
export interface StateSummary {
  /** Undefined until some agent reported. */
  state: sonde.v1.ActionStateKind | undefined;
  reason: string;
  /** How many agents are in `state`, out of how many reported. */
  agentsInState: number;
  agentsReporting: number;
}

// The state the user most needs to see first when agents disagree.
const severity: sonde.v1.ActionStateKind[] = [
  Kind.ACTION_STATE_KIND_ERROR,
  Kind.ACTION_STATE_KIND_PAUSED_QUOTA,
  Kind.ACTION_STATE_KIND_HIT_LIMIT_REACHED,
  Kind.ACTION_STATE_KIND_EXPIRED,
  Kind.ACTION_STATE_KIND_PENDING,
  Kind.ACTION_STATE_KIND_ACTIVE,
];

export function normalisePath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

function isReport(s: AgentState): boolean {
  return s.state !== Kind.ACTION_STATE_KIND_REMOVED && s.state !== Kind.ACTION_STATE_KIND_UNSPECIFIED;
}

/** Agents that reported a state; REMOVED from one agent (it went away) says nothing about the others. */
function reporting(entry: MirroredAction): AgentState[] {
  return [...entry.states.values()].filter(isReport);
}

/**
 * The state that stands for all of them: the gateway's own when it said one,
 * else the first agent's in the most severe state, or undefined until some
 * agent reported.
 */
export function leadingState(entry: MirroredAction): AgentState | undefined {
  return entry.gatewayState ?? mostSevere(reporting(entry));
}

function mostSevere(states: readonly AgentState[]): AgentState | undefined {
  for (const kind of severity) {
    const first = states.find((s) => s.state === kind);
    if (first) return first;
  }
  return undefined;
}

export function summarise(entry: MirroredAction): StateSummary {
  // The gateway's word is about the action, not one agent among others.
  if (entry.gatewayState) return { state: entry.gatewayState.state, reason: entry.gatewayState.reason, agentsInState: 1, agentsReporting: 1 };
  const states = reporting(entry);
  const lead = mostSevere(states);
  if (!lead) return { state: undefined, reason: '', agentsInState: 0, agentsReporting: 0 };
  return { state: lead.state, reason: lead.reason, agentsInState: states.filter((s) => s.state === lead.state).length, agentsReporting: states.length };
}

/** An ActionState from the gateway as the mirror keeps it. */
function agentState(s: sonde.v1.IActionState): AgentState {
  return {
    agentId: s.agentId ?? '',
    state: s.state ?? Kind.ACTION_STATE_KIND_UNSPECIFIED,
    reason: s.reason ?? '',
    reasonCode: s.reasonCode ?? sonde.v1.ReasonCode.REASON_CODE_UNSPECIFIED,
    timeMs: int64(s.timeMs),
  };
}

/**
 * Agents whose reported state the gateway no longer lists (it drops an
 * agent's states when the agent disconnects), plus those already gone and
 * not back.
 */
function departed(old: MirroredAction, now: ReadonlyMap<string, AgentState>): string[] {
  const gone = new Set(old.disconnected);
  for (const s of old.states.values()) if (isReport(s)) gone.add(s.agentId);
  for (const agentId of now.keys()) gone.delete(agentId);
  return [...gone].sort();
}

export class ActionMirror {
  private readonly byId = new Map<string, MirroredAction>();

  get(actionId: string): MirroredAction | undefined {
    return this.byId.get(actionId);
  }

  all(): MirroredAction[] {
    return [...this.byId.values()];
  }

  /** Actions in `file`, ordered by line then id. */
  inFile(file: string): MirroredAction[] {
    const wanted = normalisePath(file);
    return this.all()
      .filter((a) => a.file === wanted)
      .sort((a, b) => a.line - b.line || a.id.localeCompare(b.id));
  }

  /** Actions at a 1-based line of `file`. */
  atLine(file: string, line: number): MirroredAction[] {
    return this.inFile(file).filter((a) => a.line === line);
  }

  /** Replaces everything with a subscribe (or list) reply; changes cover what went away too. */
  reset(infos: readonly ActionInfo[]): MirrorChange[] {
    const changes: MirrorChange[] = [];
    const before = new Map(this.byId);
    this.byId.clear();
    for (const info of infos) changes.push(...this.upsert(info));
    for (const [id, old] of before) {
      if (!this.byId.has(id)) changes.push({ actionId: id, file: old.file, line: old.line, removed: true });
    }
    return changes;
  }

  /** An action_info (reply or push): the action, its states and total hits as the gateway knows them. */
  upsert(info: ActionInfo): MirrorChange[] {
    const action = info.action;
    const id = action?.id;
    if (!action || !id) return [];
    const old = this.byId.get(id);
    const states = new Map<string, AgentState>();
    let gatewayState: AgentState | undefined;
    for (const s of info.states ?? []) {
      const state = agentState(s);
      if (state.agentId) states.set(state.agentId, state);
      else if (isReport(state)) gatewayState = state;
    }
    const entry: MirroredAction = {
      id,
      action,
      file: normalisePath(action.location?.file ?? ''),
      line: action.location?.line ?? 0,
      states,
      ...(gatewayState ? { gatewayState } : {}),
      hits: int64(info.totalHits),
      // Cumulative: 0 from a gateway that does not send them yet must not wipe what an earlier report said.
      dropped: Math.max(int64(info.totalDropped), old?.dropped ?? 0),
      suppressed: Math.max(int64(info.totalSuppressed), old?.suppressed ?? 0),
      disconnected: old ? departed(old, states) : [],
      metrics: old?.metrics ?? new Map(),
      costNsPerHit: old?.costNsPerHit ?? 0,
    };
    this.byId.set(id, entry);
    const changes: MirrorChange[] = [{ actionId: id, file: entry.file, line: entry.line, removed: false }];
    // An action moved (replaced at another place): the old place changed too.
    if (old && (old.file !== entry.file || old.line !== entry.line)) changes.push({ actionId: id, file: old.file, line: old.line, removed: true });
    return changes;
  }

  remove(actionId: string): MirrorChange[] {
    const old = this.byId.get(actionId);
    if (!old) return [];
    this.byId.delete(actionId);
    const change: MirrorChange = { actionId, file: old.file, line: old.line, removed: true };
    if (old.gatewayState?.state === Kind.ACTION_STATE_KIND_EXPIRED) change.expired = true;
    return [change];
  }

  /**
   * Applies a pushed batch's states and hit totals. Events about actions the
   * mirror does not hold are skipped: the action_info that introduces an
   * action carries its states and hits anyway.
   */
  applyEvents(events: readonly GatewayEvent[]): MirrorChange[] {
    const changed = new Map<string, MirrorChange>();
    for (const event of events) {
      if (event.state) {
        const s = event.state;
        const entry = this.byId.get(s.actionId ?? '');
        if (!entry) continue;
        const state = agentState(s);
        if (!state.agentId) {
          // No agent id: the gateway speaking for the action.
          this.byId.set(entry.id, { ...entry, gatewayState: isReport(state) ? state : undefined });
        } else {
          const states = new Map(entry.states);
          if (state.state === Kind.ACTION_STATE_KIND_REMOVED) states.delete(state.agentId);
          else states.set(state.agentId, state);
          const disconnected = entry.disconnected.filter((a) => a !== state.agentId);
          this.byId.set(entry.id, { ...entry, states, disconnected });
        }
        changed.set(entry.id, { actionId: entry.id, file: entry.file, line: entry.line, removed: false });
      } else if (event.metric) {
        const m = event.metric;
        const entry = this.byId.get(m.actionId ?? '');
        if (!entry || !m.agentId) continue;
        const metrics = new Map(entry.metrics);
        metrics.set(m.agentId, {
          startMs: int64(m.intervalStartMs),
          endMs: int64(m.intervalEndMs),
          count: int64(m.count),
          sum: m.sum ?? 0,
          min: m.min ?? 0,
          max: m.max ?? 0,
          p50: m.p50 ?? 0,
          p90: m.p90 ?? 0,
          p99: m.p99 ?? 0,
        });
        this.byId.set(entry.id, { ...entry, metrics });
        changed.set(entry.id, { actionId: entry.id, file: entry.file, line: entry.line, removed: false });
      } else if (event.hits) {
        const h = event.hits;
        // Per-agent counts may reach clients in future; the gateway's total has an empty agent id.
        if (h.agentId) continue;
        const entry = this.byId.get(h.actionId ?? '');
        if (!entry) continue;
        const hits = int64(h.hits);
        const dropped = Math.max(int64(h.dropped), entry.dropped);
        const suppressed = Math.max(int64(h.suppressed), entry.suppressed);
        const costNsPerHit = h.costNsPerHit || entry.costNsPerHit;
        if (hits === entry.hits && dropped === entry.dropped && suppressed === entry.suppressed && costNsPerHit === entry.costNsPerHit) continue;
        this.byId.set(entry.id, { ...entry, hits, dropped, suppressed, costNsPerHit });
        changed.set(entry.id, { actionId: entry.id, file: entry.file, line: entry.line, removed: false });
      }
    }
    return [...changed.values()];
  }
}
