// The action lifecycle: add (validate, check some agent can see the file,
// store, push), remove, expire, and what each agent and client is told.
// Agents and clients are reached only through the bus, so that in cluster
// mode they may sit on other gateways.
import { randomBytes } from 'node:crypto';
import { int64, sonde } from '@sonde/protocol';
import { RequestError } from '@sonde/rpc';
import type { AuditLog } from '../audit/audit-log.js';
import type { Bus } from '../bus/bus.js';
import type { ActionStore, HitStore } from '../store/store.js';
import type { ActionStates } from './states.js';
import { describeAction, describeNoTarget } from './describe.js';
import { fitInfo } from './info-fit.js';
import { askWhoSees, chooseRecipients, fileQueryOf } from './file-check.js';
import { isTargeted } from './targeting.js';
import { validateNewAction } from './validation.js';

const { ErrorCode, ActionStateKind } = sonde.v1;
/** Actions the gateway holds at once; each is pushed to agents and evaluated on hits. */
export const MAX_ACTIONS = 10_000;

/** Who asks for a change, for the action's creator and the audit log. */
export interface Caller {
  who: string;
  remote: string;
}

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
  private readonly store: ActionStore & HitStore;
  private readonly audit: AuditLog;
  private readonly bus: Bus;
  private readonly states: ActionStates;
  private readonly now: () => number;
  private readonly maxActions: number;
  private readonly maxExpiryMs: number;
  private readonly log: (msg: string) => void;

  constructor(deps: ActionServiceDeps) {
    this.store = deps.store;
    this.audit = deps.audit;
    this.bus = deps.bus;
    this.states = deps.states;
    this.now = deps.now ?? Date.now;
    this.maxActions = deps.maxActions ?? MAX_ACTIONS;
    this.maxExpiryMs = deps.maxExpiryMs;
    this.log = deps.log ?? (() => {});
    for (const a of this.store.actions()) this.actions.set(a.id, a);
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

  /** Every stored action that targets this agent. */
  forAgent(hello: sonde.v1.IHello): sonde.v1.Action[] {
    return [...this.actions.values()].filter((a) => isTargeted(a, hello));
  }

  async add(input: sonde.v1.IAction, caller: Caller): Promise<sonde.v1.IActionInfo> {
    const action = validateNewAction(input, this.now(), caller.who, this.maxExpiryMs);
    if (this.actions.size >= this.maxActions) {
      throw new RequestError(ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED, `the gateway already holds ${this.actions.size} actions, its limit; remove some (they also expire after an hour by default)`);
    }
    const file = action.location?.file ?? '';
    const reachable = this.bus.agents();
    const targeted = reachable.filter((a) => isTargeted(action, a.hello));
    if (targeted.length === 0) {
      throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, `no connected agent can see ${file}: ${describeNoTarget(action, reachable)}`);
    }
    const answers = await askWhoSees(this.bus, targeted, fileQueryOf(action));
    if (!answers.some((a) => a.sees)) {
      const why = answers.map((a) => `${a.agentId}: ${a.why}`).join('; ');
      throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, `no connected agent can see ${file} (${why}); check the path, or start the service that runs it with the Sonde agent`);
    }
    const chosen = chooseRecipients(answers);
    if ('refused' in chosen) {
      throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, `no connected agent runs ${file} as the editor has it at line ${action.location?.line ?? 0} (${chosen.refused}); save and redeploy, or target the service that runs this code`);
    }
    action.id = newActionId();
    this.actions.set(action.id, action);
    this.store.putAction(action);
    this.audit.append({ timeMs: this.now(), who: caller.who, what: 'add', actionId: action.id, detail: describeAction(action), remote: caller.remote });
    this.bus.toAgents(chosen.to.map((a) => a.agentId), { actionUpsert: { action } });
    const info = this.info(action.id);
    this.bus.toClients({ actionInfo: info });
    return info;
  }

  remove(id: string, caller: Caller, why = 'remove'): void {
    if (!this.actions.has(id)) {
      throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, `no action ${id}; it may have expired or been removed already (list_actions shows what exists)`);
    }
    const action = this.actions.get(id)!;
    this.actions.delete(id);
    this.store.deleteAction(id);
    this.states.dropAction(id);
    this.audit.append({ timeMs: this.now(), who: caller.who, what: why, actionId: id, detail: describeAction(action), remote: caller.remote });
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
      this.remove(a.id, { who: 'gateway', remote: '' }, 'expire');
    }
  }
}

function newActionId(): string {
  return randomBytes(6).toString('hex');
}
