// /v1/agent: agents say hello (within the hello timeout), get the actions
// that target them (in parts when they do not fit in one frame), report the
// files they load (capped per agent) and send batches of events that the
// gateway aggregates and fans out to clients (endpoints/agent-events.ts).
import { randomUUID } from 'node:crypto';
import { encodeEnvelope, MAX_FRAME_BYTES, sonde, CloseCode } from '@sonde/protocol';
import { fitFrames, RequestError, type Handlers } from '@sonde/rpc';
import type { ActionService } from '../actions/service.js';
import type { ActionStates } from '../actions/states.js';
import type { Bus } from '../bus/bus.js';
import { checkHello } from '../checks/hello.js';
import type { AgentRegistry, ConnectedAgent } from '../connections/agent-registry.js';
import { noDrops, type GatewayDrops } from '../connections/drops.js';
import { FileList } from '../connections/file-list.js';
import type { HitCounts } from '../counts/hit-counts.js';
import { salvageEventBatch } from '../events/salvage.js';
import { TokenBucket } from '../events/token-bucket.js';
import type { GatewayLimits } from '../limits.js';
import type { RateLimitedLog } from '../logging/rate-limited-log.js';
import type { AgentStore } from '../store/store.js';
import { takeEvents } from './agent-events.js';
import type { PolicyHolder } from '../policy/policy-holder.js';
import type { AuditLog } from '../audit/audit-log.js';
import { AuditWriter } from '../audit/audit-writer.js';
import { claimRefusal } from '../keys/agent-claims.js';
import type { AgentKeys } from '../keys/agent-keys.js';
import type { Endpoint, Peer } from './peer.js';

const { ErrorCode } = sonde.v1;

export interface AgentEndpointDeps {
  store: AgentStore;
  /** The agents connected here; this endpoint adds and removes them. */
  agents: AgentRegistry;
  states: ActionStates;
  actions: ActionService;
  hitCounts: HitCounts;
  /** Events reach subscribed clients through it, wherever they are connected. */
  bus: Bus;
  drops: GatewayDrops;
  limits: GatewayLimits;
  log: (msg: string) => void;
  /** For lines about what agents send wrong. */
  badInput: RateLimitedLog;
  now: () => number;
  policy: PolicyHolder;
  /** With agent keys: what a hello may claim under its key (keys/agent-claims.ts). */
  keys?: AgentKeys;
  /** Refused hellos go on it. */
  audit: AuditLog;
}

interface Connection {
  bucket: TokenBucket;
  helloTimer?: NodeJS.Timeout;
  /** Set once the peer said hello. */
  agent?: ConnectedAgent;
}

export function agentEndpoint(deps: AgentEndpointDeps): Endpoint {
  const connections = new WeakMap<Peer, Connection>();
  const known = (id: string | null | undefined): boolean => !!id && deps.actions.has(id);
  const audit = new AuditWriter(deps.audit, deps.now);

  function connectionOf(peer: Peer): Connection {
    let c = connections.get(peer);
    if (!c) connections.set(peer, (c = { bucket: new TokenBucket(deps.limits.eventsPerSecond, deps.limits.eventBurst, deps.now) }));
    return c;
  }

  function agentOf(peer: Peer): { agent: ConnectedAgent; connection: Connection } {
    const connection = connectionOf(peer);
    if (!connection.agent) throw new RequestError(ErrorCode.ERROR_CODE_FAILED_PRECONDITION, 'say hello first: the first message on /v1/agent must be a Hello');
    return { agent: connection.agent, connection };
  }

  const handlers: Handlers<Peer> = {
    hello(envelope, peer) {
      const hello = envelope.hello!;
      const connection = connectionOf(peer);
      if (connection.agent) throw new RequestError(ErrorCode.ERROR_CODE_FAILED_PRECONDITION, 'hello was already said on this connection');
      try {
        checkHello(hello);
      } catch (err) {
        deps.badInput.write('refused hellos', `${peer.endpoint} ${peer.remote}: hello refused: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
      const claim = claimRefusal(hello, peer.principal, deps.keys);
      if (claim !== undefined) audit.refuse(peer.principal, peer.remote, 'hello', `agent ${hello.agentId}: ${claim}`);
      clearTimeout(connection.helloTimer);
      const fileList = new FileList(deps.limits);
      const leftOut = fileList.add('hello.files', hello.files ?? []);
      if (leftOut) deps.badInput.write('files over the limit', `agent ${hello.agentId}: ${leftOut}`);
      const agent: ConnectedAgent = {
        peer,
        hello: { ...hello, files: fileList.files },
        fileList,
        instance: `${hello.agentId}/${hello.instanceId || randomUUID()}`,
        connectedAtMs: deps.now(),
        drops: noDrops(),
      };
      connection.agent = agent;
      const previous = deps.agents.add(agent);
      if (previous && previous.peer !== peer) {
        previous.peer.close(CloseCode.policyViolation, 'replaced by a newer connection with the same agent id');
      }
      deps.store.putAgent(hello, deps.now());
      deps.log(`agent ${hello.agentId} connected (app ${hello.appName || '-'}, pid ${hello.pid}, ${fileList.files.length} files, from ${peer.remote})`);
      // The policy rides in the first part, so it holds before any action is installed (parts merge, so it goes once).
      const policy = deps.policy.current();
      const frames = fitFrames(deps.actions.forAgent({ agentId: hello.agentId ?? '', hello: agent.hello }), (actions) => ({ actionSet: { actions } }), {
        limit: MAX_FRAME_BYTES - encodeEnvelope({ policy }).length,
        tooLarge: (a, bytes) => deps.log(`action ${a.id} is ${bytes} bytes, over a frame: not sent to agent ${hello.agentId}`),
      });
      frames[0]!.actionSet!.policy = policy;
      return frames;
    },

    filesLoaded(envelope, peer) {
      const { agent } = agentOf(peer);
      const leftOut = agent.fileList.add('files_loaded.files', envelope.filesLoaded?.files ?? []);
      if (leftOut) {
        deps.badInput.write('files over the limit', `agent ${agent.hello.agentId}: ${leftOut}`);
        throw new RequestError(ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED, leftOut);
      }
      // Sent only when the agent asked (an id): agents push files_loaded, tests and tools may ask.
      return { ack: {} };
    },

    events(envelope, peer) {
      const { agent, connection } = agentOf(peer);
      takeEvents(envelope, agent, connection.bucket, { ...deps, known });
    },
  };

  function onOpen(peer: Peer): void {
    const connection = connectionOf(peer);
    const seconds = Math.round(deps.limits.helloTimeoutMs / 100) / 10;
    connection.helloTimer = setTimeout(() => {
      deps.badInput.write('agents that never said hello', `${peer.endpoint} ${peer.remote}: no hello within ${seconds} s; closed`);
      peer.close(CloseCode.policyViolation, `no hello within ${seconds} s; the first message on /v1/agent must be a Hello`);
    }, deps.limits.helloTimeoutMs);
    connection.helloTimer.unref();
  }

  function onClose(peer: Peer): void {
    const connection = connections.get(peer);
    clearTimeout(connection?.helloTimer);
    const agent = connection?.agent;
    if (!agent) return;
    const agentId = agent.hello.agentId ?? '';
    if (!deps.agents.remove(agentId, peer)) return;
    deps.log(`agent ${agentId} disconnected`);
    for (const actionId of deps.states.dropAgent(agentId)) {
      if (deps.actions.has(actionId)) deps.bus.toClients({ actionInfo: deps.actions.info(actionId) });
    }
  }

  return { handlers, onOpen, onClose, recover: salvageEventBatch };
}
