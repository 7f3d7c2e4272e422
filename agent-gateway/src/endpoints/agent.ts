// /v1/agent: agents say hello, get the actions that target them, and send
// batches of events that the gateway aggregates and fans out to clients.
import { randomUUID } from 'node:crypto';
import { int64, sonde, CloseCode } from '@sonde/protocol';
import { RequestError, type Handlers } from '@sonde/rpc';
import type { ActionService } from '../actions/service.js';
import type { ActionStates } from '../actions/states.js';
import type { Bus } from '../bus/bus.js';
import type { AgentRegistry, ConnectedAgent } from '../connections/agent-registry.js';
import type { AgentStore, HitStore } from '../store/store.js';
import type { Endpoint, Peer } from './peer.js';

const { ErrorCode } = sonde.v1;

export interface AgentEndpointDeps {
  store: AgentStore & HitStore;
  /** The agents connected here; this endpoint adds and removes them. */
  agents: AgentRegistry;
  states: ActionStates;
  actions: ActionService;
  /** Events reach subscribed clients through it, wherever they are connected. */
  bus: Bus;
  log: (msg: string) => void;
  now: () => number;
}

/** Per-connection handlers; `agent` is set once the peer said hello. */
export function agentEndpoint(deps: AgentEndpointDeps): Endpoint {
  const byPeer = new WeakMap<Peer, ConnectedAgent>();

  function agentOf(peer: Peer): ConnectedAgent {
    const agent = byPeer.get(peer);
    if (!agent) throw new RequestError(ErrorCode.ERROR_CODE_FAILED_PRECONDITION, 'say hello first: the first message on /v1/agent must be a Hello');
    return agent;
  }

  const handlers: Handlers<Peer> = {
    hello(envelope, peer) {
      const hello = envelope.hello!;
      if (byPeer.has(peer)) throw new RequestError(ErrorCode.ERROR_CODE_FAILED_PRECONDITION, 'hello was already said on this connection');
      if (!hello.agentId) throw new RequestError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'hello.agent_id is empty; every agent process needs an id');
      const agent: ConnectedAgent = {
        peer,
        hello,
        instance: `${hello.agentId}/${hello.instanceId || randomUUID()}`,
        connectedAtMs: deps.now(),
      };
      byPeer.set(peer, agent);
      const previous = deps.agents.add(agent);
      if (previous && previous.peer !== peer) {
        previous.peer.close(CloseCode.policyViolation, 'replaced by a newer connection with the same agent id');
      }
      deps.store.putAgent(hello, deps.now());
      deps.log(`agent ${hello.agentId} connected (app ${hello.appName || '-'}, pid ${hello.pid}, ${hello.files?.length ?? 0} files, from ${peer.remote})`);
      return { actionSet: { actions: deps.actions.forAgent(hello) } };
    },

    filesLoaded(envelope, peer) {
      const agent = agentOf(peer);
      const files = envelope.filesLoaded?.files ?? [];
      agent.hello = { ...agent.hello, files: [...(agent.hello.files ?? []), ...files] };
    },

    events(envelope, peer) {
      const agent = agentOf(peer);
      const agentId = agent.hello.agentId ?? '';
      const out: sonde.v1.IEvent[] = [];
      const hits: { actionId: string; hits: number }[] = [];
      for (const event of envelope.events?.events ?? []) {
        const known = (id: string | null | undefined) => !!id && deps.actions.has(id);
        // Events name the agent that sent them, whatever the frame says.
        if (event.log && known(event.log.actionId)) out.push({ log: { ...event.log, agentId } });
        else if (event.state && known(event.state.actionId)) {
          const state = { ...event.state, agentId };
          deps.states.set(state);
          out.push({ state });
        } else if (event.hits && known(event.hits.actionId)) hits.push({ actionId: event.hits.actionId ?? '', hits: int64(event.hits.hits) });
        else if (event.snapshot && known(event.snapshot.actionId)) out.push({ snapshot: { ...event.snapshot, agentId } });
        else if (event.metric && known(event.metric.actionId)) out.push({ metric: { ...event.metric, agentId } });
        else if (event.stats) agent.stats = { ...event.stats, agentId };
      }
      if (hits.length) {
        for (const [actionId, total] of deps.store.putHits(agent.instance, hits)) out.push({ hits: { actionId, agentId: '', hits: total } });
      }
      if (out.length) deps.bus.toClients({ events: { events: out } });
    },
  };

  function onClose(peer: Peer): void {
    const agent = byPeer.get(peer);
    if (!agent) return;
    const agentId = agent.hello.agentId ?? '';
    if (!deps.agents.remove(agentId, peer)) return;
    deps.log(`agent ${agentId} disconnected`);
    for (const actionId of deps.states.dropAgent(agentId)) {
      if (deps.actions.has(actionId)) deps.bus.toClients({ actionInfo: deps.actions.info(actionId) });
    }
  }

  return { handlers, onClose };
}
