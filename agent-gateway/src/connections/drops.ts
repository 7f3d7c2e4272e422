// What the gateway itself refused or dropped of what agents sent, by why:
// per connected agent (beside the agent's own AgentStats) and in all since
// the gateway started; /health shows both.

export type DropKind = 'invalid' | 'empty' | 'overRate' | 'tooLarge' | 'hitReports';
/**
 * invalid: events that did not decode (a string that is not UTF-8), refused alone;
 * empty: events with no body; overRate: over the connection's event rate;
 * tooLarge: events that alone would not fit in a frame to the clients;
 * hitReports: hit counts refused as impossible (going down, jumping, past 2^53).
 */
export type DropCounts = Record<DropKind, number>;

export function noDrops(): DropCounts {
  return { invalid: 0, empty: 0, overRate: 0, tooLarge: 0, hitReports: 0 };
}

/** Counts for one agent and for the whole gateway at once. */
export class GatewayDrops {
  readonly total: DropCounts = noDrops();

  count(perAgent: DropCounts, kind: DropKind, n = 1): void {
    if (n <= 0) return;
    perAgent[kind] += n;
    this.total[kind] += n;
  }
}
