// An agent's event batch → what the gateway keeps (events/batch.ts), the
// states and hit counts it stores, and the pushes to subscribed clients,
// split so that each fits in a frame (the gateway adds the agent id to every
// event, so a batch near the limit can grow past it).
import { encodeEnvelope, MAX_FRAME_BYTES, type sonde } from '@sonde/protocol';
import { fitFrames } from '@sonde/rpc';
import type { ActionStates } from '../actions/states.js';
import type { Audience } from '../auth/permissions.js';
import type { Bus } from '../bus/bus.js';
import type { ConnectedAgent } from '../connections/agent-registry.js';
import type { GatewayDrops } from '../connections/drops.js';
import type { HitCounts } from '../counts/hit-counts.js';
import { sortBatch } from '../events/batch.js';
import { invalidEventsOf } from '../events/salvage.js';
import type { TokenBucket } from '../events/token-bucket.js';
import type { RateLimitedLog } from '../logging/rate-limited-log.js';

/** What a push may take of a frame; the rest is room for the envelope's own fields. */
const FRAME_ROOM = MAX_FRAME_BYTES - 1024;

export interface EventDeps {
  states: ActionStates;
  hitCounts: HitCounts;
  bus: Bus;
  drops: GatewayDrops;
  badInput: RateLimitedLog;
  known: (actionId: string | null | undefined) => boolean;
}

export function takeEvents(envelope: sonde.v1.Envelope, agent: ConnectedAgent, bucket: TokenBucket, deps: EventDeps): void {
  const agentId = agent.hello.agentId ?? '';
  const invalid = invalidEventsOf(envelope);
  if (invalid > 0) {
    deps.drops.count(agent.drops, 'invalid', invalid);
    deps.badInput.write('events that do not decode', `agent ${agentId}: ${invalid} event(s) of a batch did not decode (a string that is not UTF-8) and were dropped; the rest of the batch was kept`);
  }
  const batch = sortBatch(envelope.events?.events ?? [], { agentId, known: deps.known, bucket, drops: deps.drops, perAgent: agent.drops });
  for (const e of batch.forward) if (e.state) deps.states.set(e.state);
  if (batch.stats) agent.stats = batch.stats;
  const { changed, refused } = deps.hitCounts.report(agent.instance, batch.hits);
  for (const r of refused) {
    deps.drops.count(agent.drops, 'hitReports');
    deps.badInput.write('refused hit reports', `agent ${agentId}: hit report for action ${r.actionId} refused: ${r.why}`);
  }
  // Snapshots carry variables: only clients that may capture see them. Everything else: those who may view the agent's tags.
  const tags = agent.hello.tags ?? [];
  const snapshots: sonde.v1.IEvent[] = [];
  const rest: sonde.v1.IEvent[] = [];
  for (const e of batch.forward) (e.snapshot ? snapshots : rest).push(e);
  for (const hits of changed) rest.push({ hits });
  push(snapshots, { tags, permission: 'capture' }, agent, deps);
  push(rest, { tags }, agent, deps);
}

function push(out: sonde.v1.IEvent[], audience: Audience, agent: ConnectedAgent, deps: EventDeps): void {
  if (!out.length) return;
  const whole = { events: { events: out } };
  // Most batches fit as they are: one encode to see, rather than one per event.
  if (encodeEnvelope(whole).length <= FRAME_ROOM) return deps.bus.toClients(whole, audience);
  const pushes = fitFrames(out, (events) => ({ events: { events } }), {
    tooLarge: (_e, bytes) => {
      deps.drops.count(agent.drops, 'tooLarge');
      deps.badInput.write('events too large to forward', `agent ${agent.hello.agentId ?? ''}: an event of ${bytes} bytes cannot fit in a frame to the clients and was dropped`);
    },
  });
  for (const p of pushes) if (p.events?.events?.length) deps.bus.toClients(p, audience);
}
