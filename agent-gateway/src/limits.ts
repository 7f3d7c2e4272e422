// What one peer may make the gateway hold or do: the caps that keep a
// hostile or broken agent or client from growing the gateway without bound
// or from starving the others. Each is a `startGateway` option (`limits`);
// the README's limits table says what a peer sees past each one.

export interface GatewayLimits {
  /** Files one agent may report (hello and files_loaded together); past it files_loaded is refused, the earliest kept. */
  maxFilesPerAgent: number;
  /** Characters of file paths one agent may report in all (the files' memory, whatever their count). */
  maxFilePathCharsPerAgent: number;
  /** An agent that has not said hello this long after connecting is closed (1008). */
  helloTimeoutMs: number;
  /** Open connections from one remote address; past it the upgrade is answered 429. */
  maxConnectionsPerAddress: number;
  /** Messages one connection may have waiting for their handler; past it the gateway stops reading that connection until some finish. */
  maxMessagesInFlight: number;
  /** Events per second one agent connection may send (a token bucket); past it log lines, snapshots and metrics are dropped and counted. */
  eventsPerSecond: number;
  /** How many events a connection may send at once before the rate applies (an agent's buffer after an outage). */
  eventBurst: number;
  /** The most hits a second one agent process could count for one action; a report that jumps further is refused. */
  maxHitsPerSecond: number;
  /** How far ahead an action's expires_at_ms may be. */
  maxExpiryMs: number;
  /** Log lines about bad input, per kind, per window; past it they are summarised at the window's end. */
  logLinesPerWindow: number;
  logWindowMs: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxFilesPerAgent: 50_000,
  maxFilePathCharsPerAgent: 10_000_000,
  helloTimeoutMs: 10_000,
  maxConnectionsPerAddress: 256,
  maxMessagesInFlight: 64,
  eventsPerSecond: 10_000,
  eventBurst: 50_000,
  // A hot-patched probe costs tens of nanoseconds a hit (DESIGN, notes/node.md): one thread counts at most ~10^8 a second.
  maxHitsPerSecond: 100_000_000,
  maxExpiryMs: 7 * 24 * 60 * 60 * 1000,
  logLinesPerWindow: 10,
  logWindowMs: 10_000,
};

/** The defaults with the caller's overrides; a non-positive or non-finite override is a startup error naming it. */
export function resolveLimits(overrides: Partial<GatewayLimits> = {}): GatewayLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(overrides) as [keyof GatewayLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_LIMITS)) throw new Error(`limits.${name} is not a gateway limit; the limits are ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`limits.${name} must be a positive number; got ${value}`);
    limits[name] = value;
  }
  return limits;
}
