// The agents connected to this gateway process right now (in cluster mode,
// others sit on other gateways: the bus reaches those).
import type { sonde } from '@sonde/protocol';
import type { Peer } from '../endpoints/peer.js';
import type { DropCounts } from './drops.js';
import type { FileList } from './file-list.js';

export interface ConnectedAgent {
  peer: Peer;
  /** Its hello; `files` is the list the agent reported, kept by `fileList` under the caps. */
  hello: sonde.v1.IHello;
  fileList: FileList;
  /** Key for hit counts: the agent id and its process instance. */
  instance: string;
  connectedAtMs: number;
  /** The agent's own last AgentStats (its drops and suppressions among them). */
  stats?: sonde.v1.IAgentStats;
  /** What the gateway refused or dropped of this connection's events. */
  drops: DropCounts;
}

export class AgentRegistry {
  private readonly byId = new Map<string, ConnectedAgent>();

  add(agent: ConnectedAgent): ConnectedAgent | undefined {
    const previous = this.byId.get(agent.hello.agentId ?? '');
    this.byId.set(agent.hello.agentId ?? '', agent);
    return previous;
  }

  /** Removes the agent if `peer` is still its connection (a newer one may have replaced it). */
  remove(agentId: string, peer: Peer): boolean {
    if (this.byId.get(agentId)?.peer !== peer) return false;
    this.byId.delete(agentId);
    return true;
  }

  get(agentId: string): ConnectedAgent | undefined {
    return this.byId.get(agentId);
  }

  all(): ConnectedAgent[] {
    return [...this.byId.values()];
  }
}
