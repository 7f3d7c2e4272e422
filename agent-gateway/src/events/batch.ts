// One agent's event batch, sorted into what the gateway keeps: events name
// the agent that sent them (whatever the frame says), events of actions the
// gateway does not hold are ignored, log lines, snapshots and metrics past
// the connection's rate are dropped and counted, and cumulative reports
// (hits, states, stats) count once per action per batch, the last winning,
// so that a flood of them costs no more than one each.
import { cutAt, type sonde } from '@sonde/protocol';
import { exactInt64, MAX_CHARS } from '../checks/fields.js';
import type { DropCounts, GatewayDrops } from '../connections/drops.js';
import type { TokenBucket } from './token-bucket.js';

export interface SortedBatch {
  /** To fan out to clients, in the order the agent sent them. */
  forward: sonde.v1.IEvent[];
  /** At most one per action: the batch's last. */
  hits: sonde.v1.IHitCount[];
  /** The batch's last stats, if any held only exact numbers. */
  stats?: sonde.v1.IAgentStats;
}

export interface BatchContext {
  agentId: string;
  known: (actionId: string | null | undefined) => boolean;
  bucket: TokenBucket;
  drops: GatewayDrops;
  perAgent: DropCounts;
}

const STATS_COUNTS = ['hits', 'droppedEvents', 'overheadNs', 'suppressed'] as const;

export function sortBatch(events: readonly sonde.v1.IEvent[], ctx: BatchContext): SortedBatch {
  const lastState = new Map<string, number>();
  const lastHits = new Map<string, sonde.v1.IHitCount>();
  events.forEach((e, i) => {
    if (e.state && ctx.known(e.state.actionId)) lastState.set(e.state.actionId ?? '', i);
  });
  const forward: sonde.v1.IEvent[] = [];
  let stats: sonde.v1.IAgentStats | undefined;
  const agentId = ctx.agentId;
  events.forEach((event, i) => {
    if (event.log || event.snapshot || event.metric) {
      const actionId = (event.log ?? event.snapshot ?? event.metric)?.actionId;
      if (!ctx.known(actionId)) return;
      if (!ctx.bucket.take()) return ctx.drops.count(ctx.perAgent, 'overRate');
      if (event.log) forward.push({ log: { ...event.log, agentId } });
      else if (event.snapshot) forward.push({ snapshot: { ...event.snapshot, agentId } });
      else forward.push({ metric: { ...event.metric, agentId } });
    } else if (event.state) {
      ctx.bucket.charge();
      if (lastState.get(event.state.actionId ?? '') !== i) return;
      const reason = event.state.reason ?? '';
      const cut = reason.length > MAX_CHARS.stateReason ? `${cutAt(reason, MAX_CHARS.stateReason)}…` : reason;
      forward.push({ state: { ...event.state, agentId, reason: cut } });
    } else if (event.hits) {
      ctx.bucket.charge();
      if (ctx.known(event.hits.actionId)) lastHits.set(event.hits.actionId ?? '', event.hits);
    } else if (event.stats) {
      ctx.bucket.charge();
      if (STATS_COUNTS.every((k) => exactInt64(event.stats![k]) !== undefined)) stats = { ...event.stats, agentId };
      else ctx.drops.count(ctx.perAgent, 'invalid');
    } else {
      // No body (or one this build does not know): nothing to keep, but it still costs the connection's budget.
      ctx.bucket.take();
      ctx.drops.count(ctx.perAgent, 'empty');
    }
  });
  return { forward, hits: [...lastHits.values()], stats };
}
