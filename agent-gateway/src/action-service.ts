// The action lifecycle: add (validate, check some agent can see the file,
// store, push), remove, expire, and what each agent and client is told.
import { randomBytes } from 'node:crypto';
import { int64, sonde } from '@sonde/protocol';
import type { AgentRegistry, ConnectedAgent } from './agent-registry.js';
import type { ActionStates } from './action-states.js';
import { RequestError } from './peer.js';
import type { Store } from './store.js';
import type { Subscribers } from './subscribers.js';
import { validateNewAction } from './action-validation.js';
import { isTargeted, runtimeOfFile } from './targeting.js';

const { ErrorCode, ActionStateKind } = sonde.v1;
const FILE_QUERY_TIMEOUT_MS = 2000;
/** Actions the gateway holds at once; each is pushed to agents and evaluated on hits. */
export const MAX_ACTIONS = 10_000;

export interface Caller {
  who: string;
  remote: string;
}

export class ActionService {
  private readonly actions = new Map<string, sonde.v1.Action>();

  constructor(
    private readonly store: Store,
    private readonly agents: AgentRegistry,
    private readonly states: ActionStates,
    private readonly subscribers: Subscribers,
    private readonly now: () => number = Date.now,
    private readonly maxActions = MAX_ACTIONS,
  ) {
    for (const a of store.actions()) this.actions.set(a.id, a);
  }

  get size(): number {
    return this.actions.size;
  }

  has(id: string): boolean {
    return this.actions.has(id);
  }

  info(id: string): sonde.v1.IActionInfo {
    return { action: this.actions.get(id), states: this.states.of(id), totalHits: this.store.totalHits(id) };
  }

  list(): sonde.v1.IActionInfo[] {
    return [...this.actions.keys()].map((id) => this.info(id));
  }

  /** Every stored action that targets this agent. */
  forAgent(hello: sonde.v1.IHello): sonde.v1.Action[] {
    return [...this.actions.values()].filter((a) => isTargeted(a, hello));
  }

  async add(input: sonde.v1.IAction, caller: Caller): Promise<sonde.v1.IActionInfo> {
    const action = validateNewAction(input, this.now(), caller.who);
    if (this.actions.size >= this.maxActions) {
      throw new RequestError(ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED, `the gateway already holds ${this.actions.size} actions, its limit; remove some (they also expire after an hour by default)`);
    }
    const file = action.location?.file ?? '';
    const targeted = this.agents.targetedBy(action);
    if (targeted.length === 0) {
      throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, `no connected agent can see ${file}: ${this.describeNoTarget(action)}`);
    }
    const answers = await Promise.all(targeted.map((a) => this.askFile(a, file)));
    if (!answers.some((a) => a.sees)) {
      const why = answers.map((a) => `${a.agent}: ${a.why}`).join('; ');
      throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, `no connected agent can see ${file} (${why}); check the path, or start the service that runs it with the Sonde agent`);
    }
    action.id = newActionId();
    this.actions.set(action.id, action);
    this.store.putAction(action);
    this.store.audit({ timeMs: this.now(), who: caller.who, what: 'add', actionId: action.id, detail: describe(action), remote: caller.remote });
    for (const a of answers) if (a.sees) a.target.peer.send({ actionUpsert: { action } });
    const info = this.info(action.id);
    this.subscribers.broadcast({ actionInfo: info });
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
    this.store.audit({ timeMs: this.now(), who: caller.who, what: why, actionId: id, detail: describe(action), remote: caller.remote });
    for (const a of this.agents.all()) a.peer.send({ actionRemoved: { actionId: id } });
    this.subscribers.broadcast({ actionRemoved: { actionId: id } });
  }

  /** Removes every action whose expiry has passed, telling clients it expired. */
  expireDue(): void {
    const now = this.now();
    for (const a of [...this.actions.values()]) {
      if (int64(a.expiresAtMs) > now) continue;
      this.subscribers.broadcast({
        events: { events: [{ state: { actionId: a.id, state: ActionStateKind.ACTION_STATE_KIND_EXPIRED, reason: 'expired', timeMs: now } }] },
      });
      this.remove(a.id, { who: 'gateway', remote: '' }, 'expire');
    }
  }

  private async askFile(target: ConnectedAgent, file: string): Promise<{ target: ConnectedAgent; agent: string; sees: boolean; why: string }> {
    const agent = target.hello.agentId ?? '?';
    const reply = await target.peer.request({ fileQuery: { path: file } }, FILE_QUERY_TIMEOUT_MS);
    const r = reply?.fileQueryResult;
    if (!r) return { target, agent, sees: false, why: reply?.error ? `error: ${reply.error.message}` : 'did not answer in time' };
    if (r.loadedPath) return { target, agent, sees: true, why: `loaded ${r.loadedPath}` };
    if (r.existingPath) return { target, agent, sees: true, why: `not loaded yet: ${r.existingPath}` };
    if (r.candidates?.length) return { target, agent, sees: false, why: `ambiguous: ${listSome(r.candidates)}; give more of the path` };
    return { target, agent, sees: false, why: `not under ${(target.hello.roots ?? []).join(', ') || 'its roots'}` };
  }

  private describeNoTarget(action: sonde.v1.Action): string {
    const connected = this.agents.all();
    if (connected.length === 0) return 'no agent is connected to this gateway; start the service with the Sonde agent';
    const runtime = runtimeOfFile(action.location?.file ?? '');
    const list = connected.map((a) => `${a.hello.agentId} (app ${a.hello.appName || '-'}, ${sonde.v1.Runtime[a.hello.runtime ?? 0]}, tags ${(a.hello.tags ?? []).join(',') || '-'})`).join('; ');
    const runtimeNote = runtime !== undefined ? `, runtime ${sonde.v1.Runtime[runtime]} for this file` : '';
    return `none of the connected agents matches the target (${JSON.stringify(sonde.v1.Target.toObject(sonde.v1.Target.create(action.target ?? {})))}${runtimeNote}); connected: ${list}`;
  }
}

function newActionId(): string {
  return randomBytes(6).toString('hex');
}

function describe(a: sonde.v1.Action): string {
  return `${sonde.v1.ActionKind[a.kind]} ${a.location?.file}:${a.location?.line}${a.format ? ` "${a.format}"` : ''}${a.condition ? ` if ${a.condition}` : ''}`;
}

function listSome(paths: readonly string[], max = 10): string {
  const shown = paths.slice(0, max).join(', ');
  return paths.length > max ? `${shown} and ${paths.length - max} more` : shown;
}
