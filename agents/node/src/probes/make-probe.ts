// A spec admitted (compiled by its kind's module) becomes a probe with its
// slot in the runtime, its counter and its quota; the engine registers it.

import { admit, type EngineStatus } from './admission.js';
import { endOf, newProbe, type Probe } from './probe.js';
import type { Refusal } from './placement.js';
import type { MetricWindows } from './metric-window.js';
import type { ProbeQuota } from './quota.js';
import type { Redaction } from './redaction.js';
import type { ProbeRuntime } from './runtime.js';
import type { AnySpec, ProbeSink, ProbeStateKind, ReasonCode } from './types.js';

export interface MakeDeps {
  readonly status: EngineStatus;
  readonly runtime: ProbeRuntime;
  readonly sink: ProbeSink;
  readonly quota: ProbeQuota;
  readonly redaction: Redaction;
  readonly metrics: MetricWindows;
  report(probe: Probe, state: ProbeStateKind, reason: string, code: ReasonCode): void;
}

export function makeProbe(spec: AnySpec, deps: MakeDeps): { kind: 'made'; probe: Probe } | Refusal {
  const admitted = admit(spec, deps.status);
  if (admitted.kind === 'refused') return admitted;
  const probe = newProbe(admitted.spec, admitted.probe.code, { hits: 0, suppressed: 0, costNs: 0, costSamples: 0 });
  (probe as { slot: number }).slot = deps.runtime.allocate(
    admitted.probe.handler({
      id: spec.id,
      counter: probe.counter,
      quota: deps.quota,
      sink: deps.sink,
      redaction: deps.redaction,
      metrics: deps.metrics,
      paused: (reason) => deps.report(probe, 'paused', reason, 'quota'),
      resumed: () => deps.report(probe, 'active', probe.activeHow, probe.activeCode),
      limitReached: (reason) => deps.report(probe, 'hit-limit', reason, 'hit-limit'),
      failing: (reason, code) => probe.removed || deps.report(probe, 'error', reason, code),
    }),
    probe.counter,
  );
  const end = admitted.probe.end;
  if (end !== undefined) endOf(probe, end.line, end.code);
  return { kind: 'made', probe };
}
