// What the gateway keeps durably: actions (so they survive a restart and are
// re-sent to agents that reconnect), the agents it has seen, and hit counts
// per action and agent process. The SQLite file (sqlite.ts) is the embedded
// implementation; a PostgreSQL one shared by a cluster's gateways sits here
// too. These are synchronous because better-sqlite3 is; a cluster store will
// need them async, and the action service and endpoints with them.
import type { sonde } from '@sonde/protocol';

export interface ActionStore {
  /** Every stored action, oldest first. */
  actions(): sonde.v1.Action[];
  putAction(action: sonde.v1.Action): void;
  /** Deletes the action, its route and its hit counts; false if there was none. */
  deleteAction(id: string): boolean;
  /** How each action was routed (actions/routing.ts), by action id. */
  routes(): Map<string, StoredRoute>;
  /** Stores routes, all in one write. */
  putRoutes(routes: ReadonlyMap<string, StoredRoute>): void;
}

/** The rule an action was sent by (a Fit and the app it was narrowed to) and the agents it went to. */
export interface StoredRoute {
  fit: number;
  app?: string;
  sentTo: string[];
}

export interface KnownAgent {
  hello: sonde.v1.Hello;
  lastSeenMs: number;
}

export interface AgentStore {
  /** Records an agent's hello (without its file list) as last seen now. */
  putAgent(hello: sonde.v1.IHello, nowMs: number): void;
  /** Every agent ever seen, by id. */
  knownAgents(): KnownAgent[];
}

/** Cumulative counts of one action: hits, events lost in the agent, hits the rate limit held back. */
export interface Counts {
  hits: number;
  dropped: number;
  suppressed: number;
}

/** What one agent process last reported for one action, and when the gateway stored it. */
export interface HitRow extends Counts {
  atMs: number;
}

export interface HitStore {
  /** The last counts stored for this action and agent process, if any. */
  hitRow(actionId: string, instance: string): HitRow | undefined;
  /** Stores counts reported by one agent process (already checked); returns the new totals of the actions touched. */
  putHits(instance: string, rows: ({ actionId: string } & HitRow)[]): Map<string, Counts>;
  /** Summed over every agent process, each capped at Number.MAX_SAFE_INTEGER. */
  totals(actionId: string): Counts;
}

export interface GatewayStore extends ActionStore, AgentStore, HitStore {}
