// The action lifecycle: add (validate, check some agent can see the file,
// store, push), remove, expire, and what each agent and client is told.
// Agents and clients are reached only through the bus, so that in cluster
// mode they may sit on other gateways. Who gets an action is routing.ts's
// rule, for the agents connected when it is added and for those that connect
// or answer later alike.
import { randomBytes } from 'node:crypto';
import { int64, sonde } from '@sonde/protocol';
import { RequestError } from '@sonde/rpc';
import type { AuditLog } from '../audit/audit-log.js';
import { AuditWriter } from '../audit/audit-writer.js';
import type { Principal } from '../auth/principal.js';
import { addRefusal, bindToCreator, removeRefusal } from './access.js';
import type { Bus, ReachableAgent } from '../bus/bus.js';
import type { ActionStore, HitStore, StoredRoute } from '../store/store.js';
import type { ActionStates } from './states.js';
import { describeAction, describeNoTarget } from './describe.js';
import { fitInfo } from './info-fit.js';
import { askOne, FILE_QUERY_LAST_MS, FILE_QUERY_LATE_MS, FILE_QUERY_TIMEOUT_MS, fileQueryOf, processOf, queryKey } from './file-check.js';
import { admits, Fit, idleThread, Routing, type FileAnswer } from './routing.js';
import { isTargeted } from './targeting.js';
import { validateNewAction } from './validation.js';

const { ErrorCode, ActionStateKind } = sonde.v1;
/** Actions the gateway holds at once; each is pushed to agents and evaluated on hits. */
export const MAX_ACTIONS = 10_000;
/** File queries in flight at once to an agent that connected after its actions were added. */
const LATER_QUERIES_IN_FLIGHT = 16;

/** Who asks for a change, for the action's creator, the access checks and the audit log. */
export interface Caller {
  principal: Principal;
  remote: string;
}

/** The gateway itself, when it removes an expired action. */
const GATEWAY: Caller = { principal: { kind: 'dev', name: 'gateway', roles: [] }, remote: '' };

export interface ActionServiceDeps {
  store: ActionStore & HitStore;
  audit: AuditLog;
  bus: Bus;
  states: ActionStates;
  now?: () => number;
  maxActions?: number;
  /** How far ahead an expiry may be (limits.maxExpiryMs). */
  maxExpiryMs: number;
  log?: (msg: string) => void;
}

export class ActionService {
  private readonly actions = new Map<string, sonde.v1.Action>();
  /** How each action was routed and whom it went to; stored, so a restart keeps it. */
  private readonly routes: Map<string, StoredRoute>;
  /** Routes changed since the last write: thousands of sends at an agent's connect make one write. */
  private readonly unsaved = new Set<string>();
  private readonly store: ActionStore & HitStore;
  private readonly audit: AuditWriter;
  private readonly bus: Bus;
  private readonly states: ActionStates;
  private readonly now: () => number;
  private readonly maxActions: number;
  private readonly maxExpiryMs: number;
  private readonly log: (msg: string) => void;

  constructor(deps: ActionServiceDeps) {
    this.store = deps.store;
    this.audit = new AuditWriter(deps.audit, () => this.now());
    this.bus = deps.bus;
    this.states = deps.states;
    this.now = deps.now ?? Date.now;
    this.maxActions = deps.maxActions ?? MAX_ACTIONS;
    this.maxExpiryMs = deps.maxExpiryMs;
    this.log = deps.log ?? (() => {});
    for (const a of this.store.actions()) this.actions.set(a.id, a);
    this.routes = this.store.routes();
  }

  get size(): number {
    return this.actions.size;
  }

  has(id: string): boolean {
    return this.actions.has(id);
  }

  /** When the action was created, or undefined when the gateway does not hold it. */
  createdAtMs(id: string): number | undefined {
    const a = this.actions.get(id);
    return a ? int64(a.createdAtMs) : undefined;
  }

  /** The action with its states and summed counts, fitted to a frame (info-fit.ts). */
  info(id: string): sonde.v1.IActionInfo {
    const totals = this.store.totals(id);
    const info = { action: this.actions.get(id), states: this.states.of(id), totalHits: totals.hits, totalDropped: totals.dropped, totalSuppressed: totals.suppressed };
    return fitInfo(info, (kept, all) => this.log(`action ${id}: ${all - kept} of ${all} agents' states left out of its info to fit in a frame`));
  }

  list(): sonde.v1.IActionInfo[] {
    return [...this.actions.keys()].map((id) => this.info(id));
  }

  /**
   * What an agent gets with its hello: the actions it was sent before (a
   * reconnect, or a restarted process with the same id). Every other action
   * that targets it is asked about right after, and sent when it fits.
   */
  forAgent(agent: ReachableAgent): sonde.v1.Action[] {
    const now: sonde.v1.Action[] = [];
    const ask: sonde.v1.Action[] = [];
    for (const a of this.actions.values()) {
      if (!isTargeted(a, agent.hello)) continue;
      if (this.routes.get(a.id)?.sentTo.includes(agent.agentId)) now.push(a);
      else ask.push(a);
    }
    // After the hello's reply is on its way, so that an upsert never comes before the set it adds to.
    if (ask.length > 0) setImmediate(() => void this.routeLater(agent, ask));
    return now;
  }

  async add(input: sonde.v1.IAction, caller: Caller): Promise<sonde.v1.IActionInfo> {
    const action = validateNewAction(input, this.now(), caller.principal.name, this.maxExpiryMs);
    const denied = addRefusal(action, caller.principal);
    if (denied !== undefined) this.audit.refuse(caller.principal, caller.remote, 'add', `${denied} (${describeAction(action)})`);
    bindToCreator(action, caller.principal);
    if (this.actions.size >= this.maxActions) {
      throw new RequestError(ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED, `the gateway already holds ${this.actions.size} actions, its limit; remove some (they also expire after an hour by default)`);
    }
    const file = action.location?.file ?? '';
    const reachable = this.bus.agents();
    const targeted = reachable.filter((a) => isTargeted(action, a.hello));
    // An explicit target names agents that may not run yet (a short-lived task, a job, a service to start):
    // the action waits for them, and each that connects is asked, as every connecting agent is.
    if (targeted.length === 0 && isExplicit(action)) return this.keep(action, caller);
    if (targeted.length === 0) {
      throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, `no connected agent can see ${file}: ${describeNoTarget(action, reachable)}; to place it for agents that have not started yet, give it a target (tags or an app name)`);
    }
    const routing = new Routing(targeted.map((t) => t.agentId), action.projectName, isExplicit(action));
    const query = fileQueryOf(action);
    for (const t of targeted) void this.ask(t, query).then((a) => routing.answer(a));
    const timers = [setTimeout(() => routing.deadline(false), FILE_QUERY_TIMEOUT_MS), setTimeout(() => routing.deadline(true), FILE_QUERY_LAST_MS)];
    const decision = await routing.decision;
    for (const t of timers) clearTimeout(t);
    if ('unseen' in decision) {
      throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, `no connected agent can see ${file} (${decision.unseen}); check the path, or start the service that runs it with the Sonde agent`);
    }
    if ('refused' in decision) {
      throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, `no connected agent runs ${file} as the editor has it at line ${action.location?.line ?? 0} (${decision.refused}); save and redeploy, or target the service that runs this code`);
    }
    action.id = newActionId();
    this.actions.set(action.id, action);
    this.store.putAction(action);
    this.routes.set(action.id, { ...decision.route, sentTo: [] });
    this.record(caller, 'add', action);
    this.sendTo(action, decision.to.map((a) => a.agentId));
    routing.followLate((agentId) => this.sendTo(action, [agentId]));
    const info = this.info(action.id);
    this.bus.toClients({ actionInfo: info });
    return info;
  }

  /** An action for agents that are not connected yet: kept, and sent to each that connects, fits its target and sees the file. */
  private keep(action: sonde.v1.Action, caller: Caller): sonde.v1.IActionInfo {
    action.id = newActionId();
    this.actions.set(action.id, action);
    this.store.putAction(action);
    this.record(caller, 'add', action);
    const info = this.info(action.id);
    this.bus.toClients({ actionInfo: info });
    return info;
  }

  /**
   * Asks an agent that connected after these actions were added, and sends
   * those that fit. Actions with the same question share one answer (many
   * actions on one line), and a few questions are in flight at once.
   */
  private async routeLater(agent: ReachableAgent, actions: readonly sonde.v1.Action[]): Promise<void> {
    const byQuery = new Map<string, sonde.v1.Action[]>();
    for (const a of actions) {
      const key = queryKey(fileQueryOf(a));
      const same = byQuery.get(key);
      if (same === undefined) byQuery.set(key, [a]);
      else same.push(a);
    }
    const queue = [...byQuery.values()];
    const processOfAgent = new Map(this.bus.agents().map((a) => [a.agentId, processOf(a.hello)]));
    const worker = async (): Promise<void> => {
      for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
        const live = group.filter((a) => this.actions.has(a.id));
        if (live.length === 0) continue;
        const answer = await this.ask(agent, fileQueryOf(live[0]!));
        for (const action of live) {
          const route = this.routeOf(action);
          // The agents it went to run it (they were chosen for it): a thread of theirs without the file is left out.
          const running = new Set(route.sentTo.flatMap((id) => processOfAgent.get(id) ?? []));
          if (admits(route, answer) && !idleThread(answer, running)) this.sendTo(action, [agent.agentId]);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(LATER_QUERIES_IN_FLIGHT, queue.length) }, worker));
  }

  private ask(agent: ReachableAgent, query: sonde.v1.IFileQuery): Promise<FileAnswer> {
    return askOne(this.bus, agent, query, FILE_QUERY_LATE_MS).catch((err: unknown) => {
      this.log(`file query to agent ${agent.agentId} failed: ${err instanceof Error ? err.message : String(err)}`);
      return { agentId: agent.agentId, sees: false, why: 'its answer could not be read' };
    });
  }

  /** How the action was routed; for one stored before routes were (an older gateway's), the loosest rule its target allows. */
  private routeOf(action: sonde.v1.Action): StoredRoute {
    return this.routes.get(action.id) ?? { fit: isExplicit(action) ? Fit.Seen : Fit.NotCompared, sentTo: [] };
  }

  /** Sends the action to agents it has not gone to yet, while it still exists, and records that it went. */
  private sendTo(action: sonde.v1.Action, agentIds: readonly string[]): void {
    if (this.actions.get(action.id) !== action) return;
    const route = this.routeOf(action);
    const fresh = agentIds.filter((id) => !route.sentTo.includes(id));
    if (fresh.length === 0) return;
    route.sentTo.push(...fresh);
    this.routes.set(action.id, route);
    if (this.unsaved.size === 0) setImmediate(() => this.flush());
    this.unsaved.add(action.id);
    this.bus.toAgents(fresh, { actionUpsert: { action } });
  }

  /** Writes the routes changed since the last write (a route lost to a crash only means its agents are asked again). */
  flush(): void {
    if (this.unsaved.size === 0) return;
    const changed = new Map<string, StoredRoute>();
    for (const id of this.unsaved) {
      const route = this.routes.get(id);
      if (route !== undefined) changed.set(id, route);
    }
    this.unsaved.clear();
    try {
      this.store.putRoutes(changed);
    } catch (err) {
      this.log(`could not store whom ${changed.size} actions went to: ${err instanceof Error ? err.message : String(err)}; their agents are asked again when they reconnect`);
    }
  }

  remove(id: string, caller: Caller, why = 'remove'): void {
    if (!this.actions.has(id)) {
      throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, `no action ${id}; it may have expired or been removed already (list_actions shows what exists)`);
    }
    const action = this.actions.get(id)!;
    const denied = removeRefusal(action, caller.principal);
    if (denied !== undefined) this.audit.refuse(caller.principal, caller.remote, why, `${denied} (${describeAction(action)})`, id);
    this.actions.delete(id);
    this.store.deleteAction(id);
    this.routes.delete(id);
    this.states.dropAction(id);
    this.record(caller, why, action);
    this.bus.toAllAgents({ actionRemoved: { actionId: id } });
    this.bus.toClients({ actionRemoved: { actionId: id } });
  }

  /** Removes every action whose expiry has passed, telling clients it expired. */
  expireDue(): void {
    const now = this.now();
    for (const a of [...this.actions.values()]) {
      if (int64(a.expiresAtMs) > now) continue;
      this.bus.toClients({
        events: { events: [{ state: { actionId: a.id, state: ActionStateKind.ACTION_STATE_KIND_EXPIRED, reason: 'expired', timeMs: now } }] },
      });
      this.remove(a.id, GATEWAY, 'expire');
    }
  }

  private record(caller: Caller, what: string, action: sonde.v1.Action): void {
    // The whole action, as JSON after its one-line form: the record says exactly what was added or removed.
    const whole = JSON.stringify(sonde.v1.Action.toObject(action, { longs: Number, enums: String }));
    this.audit.done(caller.principal, caller.remote, what, `${describeAction(action)} ${whole}`, action.id);
  }
}

/** An action whose target names agents, an app or tags goes to every one of them that sees its file. */
function isExplicit(action: sonde.v1.IAction): boolean {
  const t = action.target;
  return !!(t?.agentIds?.length || t?.appName || t?.tags?.length);
}

function newActionId(): string {
  return randomBytes(6).toString('hex');
}
