// How the action service and the endpoints reach agents and subscribed
// clients without knowing where they are connected. In one process they are
// all here (in-process.ts); in cluster mode an agent may sit on another
// gateway and a NATS implementation carries the same envelopes between them.
import type { Envelope, EnvelopeInit, sonde } from '@sonde/protocol';
import type { RequestOptions } from '@sonde/rpc';
import type { Audience } from '../auth/permissions.js';

/** An agent some gateway of this bus holds a connection to. */
export interface ReachableAgent {
  agentId: string;
  /** Its hello, with the files it reported since. */
  hello: sonde.v1.IHello;
}

export interface Bus {
  /** The agents reachable now, in the order they connected. */
  agents(): ReachableAgent[];
  /** Pushes to the agents named; one that is no longer connected is skipped. */
  toAgents(agentIds: readonly string[], init: EnvelopeInit): void;
  toAllAgents(init: EnvelopeInit): void;
  /**
   * Asks one agent and resolves with its reply. Rejects with RequestError when
   * the agent answers with an Error, with UnavailableError when it is not
   * connected, goes away, or does not answer within the timeout.
   */
  ask(agentId: string, init: EnvelopeInit, options: RequestOptions & { timeoutMs: number }): Promise<Envelope>;
  /** Fans out to every subscribed client, or to those who may view `audience` (an agent's events). */
  toClients(init: EnvelopeInit, audience?: Audience): void;
}
