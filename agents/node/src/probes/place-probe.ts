// The install queue's placing step for one probe: the file its path means
// (looked up once per batch), then staged in that script's patcher (with
// copies for source maps), left pending until the file loads, or refused.
// And what a spec past the engine's probe limit is told.

import { describe } from './describe.js';
import type { PendingLoads } from './pending-loads.js';
import type { Placement, Placer } from './placement.js';
import type { Probe } from './probe.js';
import type { ReasonCode } from './types.js';

export interface PlaceDeps {
  readonly placer: Placer;
  readonly pending: PendingLoads;
  fail(probe: Probe, reason: string, code: ReasonCode): void;
  pendingState(probe: Probe, reason: string): void;
}

export async function placeProbe(probe: Probe, cache: Map<string, Placement>, deps: PlaceDeps): Promise<void> {
  if (probe.removed) return;
  const { placer, pending } = deps;
  try {
    let where = cache.get(probe.spec.file);
    if (where === undefined) cache.set(probe.spec.file, (where = placer.place(probe.spec.file)));
    if (where.kind === 'refused') deps.fail(probe, where.reason, where.code);
    else if (where.kind === 'mapped') {
      const refusal = await placer.installMapped(probe, where.scripts, where.sourcePath);
      if (refusal !== undefined) deps.fail(probe, refusal.reason, refusal.code);
    } else if (where.kind === 'script') await placer.install(probe, where.script);
    else {
      probe.path = where.path;
      pending.add(probe, where.path);
      deps.pendingState(probe, `${where.path} is not loaded yet; the probe goes in when it loads`);
    }
  } catch (err) {
    deps.fail(probe, `could not install the probe: ${describe(err)}`, 'internal-error');
  }
}

/** Probes an engine installs by default: each adds code V8 recompiles on every patch of its script, a slot, a quota and a state. */
export const DEFAULT_MAX_PROBES = 5000;

/** Why a spec waits: the engine holds `held` probes, its limit. */
export function probeLimitReason(held: number): string {
  return `this agent already holds ${held} probes, its limit (SONDE_MAX_PROBES); remove some actions or raise the limit (this one goes in when there is room)`;
}
