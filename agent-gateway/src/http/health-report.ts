// What /health reports, gathered from the registry, the subscribers and the drop counters.
import { int64 } from '@sonde/protocol';
import type { AgentRegistry } from '../connections/agent-registry.js';
import type { GatewayDrops } from '../connections/drops.js';
import type { Health } from './health.js';

export interface HealthSources {
  agents: AgentRegistry;
  clients: () => number;
  actions: () => number;
  drops: GatewayDrops;
}

export function healthReport(src: HealthSources): Health {
  const perAgent = src.agents.all().map((a) => ({
    agentId: a.hello.agentId ?? '',
    droppedEvents: int64(a.stats?.droppedEvents),
    suppressed: int64(a.stats?.suppressed),
    gatewayDropped: { ...a.drops },
  }));
  const sum = (pick: (a: (typeof perAgent)[number]) => number) => Math.min(perAgent.reduce((n, a) => n + pick(a), 0), Number.MAX_SAFE_INTEGER);
  return {
    agents: perAgent.length,
    clients: src.clients(),
    actions: src.actions(),
    droppedEvents: sum((a) => a.droppedEvents),
    suppressed: sum((a) => a.suppressed),
    gatewayDropped: { ...src.drops.total },
    perAgent,
  };
}
