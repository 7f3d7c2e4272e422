// /v1/client: editors and the command line list, add and remove actions and
// subscribe to what agents report.
import type { ActionService } from './action-service.js';
import type { AgentRegistry } from './agent-registry.js';
import type { Handlers, Peer } from './peer.js';
import type { Store } from './store.js';
import type { Subscribers } from './subscribers.js';

export interface ClientEndpointDeps {
  store: Store;
  agents: AgentRegistry;
  actions: ActionService;
  subscribers: Subscribers;
}

export function clientHandlers(deps: ClientEndpointDeps, who: (peer: Peer) => string): { handlers: Handlers; onClose: (peer: Peer) => void } {
  const caller = (peer: Peer) => ({ who: who(peer), remote: peer.remote });
  const handlers: Handlers = {
    subscribe(_e, peer) {
      deps.subscribers.add(peer);
      return { actionList: { actions: deps.actions.list() } };
    },
    listActions() {
      return { actionList: { actions: deps.actions.list() } };
    },
    async addAction(envelope, peer) {
      return { actionInfo: await deps.actions.add(envelope.addAction?.action ?? {}, caller(peer)) };
    },
    removeAction(envelope, peer) {
      deps.actions.remove(envelope.removeAction?.actionId ?? '', caller(peer));
      return { ack: {} };
    },
    listAgents() {
      const connected = new Set(deps.agents.all().map((a) => a.hello.agentId));
      return {
        agentList: {
          agents: deps.store.knownAgents().map(({ hello }) => ({
            agentId: hello.agentId,
            appName: hello.appName,
            host: hello.host,
            pid: hello.pid,
            tags: hello.tags,
            runtimeVersion: hello.runtimeVersion,
            connected: connected.has(hello.agentId),
          })),
        },
      };
    },
  };
  return { handlers, onClose: (peer) => deps.subscribers.remove(peer) };
}
