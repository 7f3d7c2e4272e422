// The bus of a single gateway: every agent and client is connected to this
// process, so reaching one is a send on its connection.
import type { Audience } from '../auth/permissions.js';
import type { Envelope, EnvelopeInit } from '@sonde/protocol';
import { UnavailableError, type RequestOptions } from '@sonde/rpc';
import type { AgentRegistry } from '../connections/agent-registry.js';
import type { Subscribers } from '../connections/subscribers.js';
import type { Bus, ReachableAgent } from './bus.js';

export class InProcessBus implements Bus {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly subscribers: Subscribers,
  ) {}

  agents(): ReachableAgent[] {
    return this.registry.all().map((a) => ({ agentId: a.hello.agentId ?? '', hello: a.hello }));
  }

  toAgents(agentIds: readonly string[], init: EnvelopeInit): void {
    for (const id of agentIds) this.registry.get(id)?.peer.send(init);
  }

  toAllAgents(init: EnvelopeInit): void {
    for (const a of this.registry.all()) a.peer.send(init);
  }

  ask(agentId: string, init: EnvelopeInit, options: RequestOptions & { timeoutMs: number }): Promise<Envelope> {
    const agent = this.registry.get(agentId);
    if (!agent) return Promise.reject(new UnavailableError(`${options.what ?? 'the request'}: agent ${agentId} is not connected to this gateway`, 'not-open'));
    return agent.peer.request(init, options);
  }

  toClients(init: EnvelopeInit, audience?: Audience): void {
    this.subscribers.broadcast(init, audience);
  }
}
