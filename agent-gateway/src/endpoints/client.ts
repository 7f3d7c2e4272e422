// /v1/client: editors and the command line list, add and remove actions and
// subscribe to what agents report.
// Lists go in parts when they do not fit in one frame.
// Changes act as the connection's principal: its name is the creator of
// what it adds and the `who` of the audit log.
import { sonde } from '@sonde/protocol';
import { fitFrames, type Handlers } from '@sonde/rpc';
import type { AuditLog } from '../audit/audit-log.js';
import { AuditWriter } from '../audit/audit-writer.js';
import type { ActionService, Caller } from '../actions/service.js';
import type { Bus } from '../bus/bus.js';
import type { Subscribers } from '../connections/subscribers.js';
import type { AgentStore } from '../store/store.js';
import type { PolicyHolder } from '../policy/policy-holder.js';
import { adminHandlers, type AdminHandlerDeps } from './admin-handlers.js';
import type { Endpoint, Peer } from './peer.js';

export interface ClientEndpointDeps {
  store: AgentStore;
  actions: ActionService;
  /** Which agents are connected now, wherever. */
  bus: Bus;
  /** The clients subscribed here; this endpoint adds and removes them. */
  subscribers: Subscribers;
  log: (msg: string) => void;
  policy: PolicyHolder;
  audit: AuditLog;
  /** Agent keys and the audit log, for admins (admin-handlers.ts). */
  admin: AdminHandlerDeps;
}

export function clientEndpoint(deps: ClientEndpointDeps): Endpoint {
  const caller = (peer: Peer): Caller => ({ principal: peer.principal, remote: peer.remote });
  const audit = new AuditWriter(deps.audit, Date.now);
  // In parts when the list is larger than a frame: the requester's channel reads them as one reply.
  const actionList = () =>
    fitFrames(deps.actions.list(), (chunk) => ({ actionList: { actions: chunk } }), { tooLarge: (a, bytes) => deps.log(`action ${a.action?.id} is ${bytes} bytes as listed, over a frame: left out of the list`) });
  const handlers: Handlers<Peer> = {
    ...adminHandlers(deps.admin),
    subscribe(_e, peer) {
      deps.subscribers.add(peer);
      return actionList();
    },
    listActions() {
      return actionList();
    },
    async addAction(envelope, peer) {
      return { actionInfo: await deps.actions.add(envelope.addAction?.action ?? {}, caller(peer)) };
    },
    removeAction(envelope, peer) {
      deps.actions.remove(envelope.removeAction?.actionId ?? '', caller(peer));
      return { ack: {} };
    },
    getPolicy() {
      return { policy: deps.policy.current() };
    },
    setPolicy(envelope, peer) {
      audit.need(peer.principal, peer.remote, 'admin', 'set-policy', 'changing the redaction policy');
      const next = deps.policy.set(envelope.setPolicy?.policy ?? {}, peer.principal.name);
      audit.done(peer.principal, peer.remote, 'set-policy', JSON.stringify(sonde.v1.Policy.toObject(sonde.v1.Policy.create(next))));
      deps.log(`policy set by ${peer.principal.name} from ${peer.remote}`);
      return { policy: next };
    },
    listAgents() {
      const connected = new Set(deps.bus.agents().map((a) => a.agentId));
      const agents = deps.store.knownAgents().map(({ hello }) => ({
        agentId: hello.agentId,
        appName: hello.appName,
        host: hello.host,
        pid: hello.pid,
        tags: hello.tags,
        runtimeVersion: hello.runtimeVersion,
        connected: connected.has(hello.agentId),
      }));
      return fitFrames(agents, (chunk) => ({ agentList: { agents: chunk } }), { tooLarge: (a, bytes) => deps.log(`agent ${a.agentId} is ${bytes} bytes as listed, over a frame: left out of list_agents`) });
    },
  };
  return { handlers, onClose: (peer) => deps.subscribers.remove(peer) };
}
