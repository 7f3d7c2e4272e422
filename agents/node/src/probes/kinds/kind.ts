// What a kind of probe is to the engine: one module in this folder that
// checks its spec's own fields, compiles the code that runs at the line, and
// handles the hits. The engine does everything else (placing, installing,
// states) the same way for every kind.

import type { CompiledProbe, CompileFailure } from '../probe-code.js';
import type { MetricWindows } from '../metric-window.js';
import type { ProbeQuota } from '../quota.js';
import type { Redaction } from '../redaction.js';
import type { SlotHandler } from '../runtime.js';
import type { HitCounter, ProbeSink, ProbeSpec } from '../types.js';

/** What a kind's hit handler works with. */
export interface HitContext {
  readonly id: string;
  /** Hits and suppressions the engine reports; the handler counts them. */
  readonly counter: HitCounter;
  readonly quota: ProbeQuota;
  readonly sink: ProbeSink;
  /** The redaction in force, changed live by the policy: read it at each hit. */
  readonly redaction: Redaction;
  /** Where counters and metrics aggregate between intervals. */
  readonly metrics: MetricWindows;
  /** The probe went over its quota: the engine reports it paused, with this reason. */
  paused(reason: string): void;
  /** The quota lets it through again, or its code works again: the engine reports it active, as it was installed. */
  resumed(): void;
  /** It took all the hits its limit allows: the engine reports it so (its slot stays, silent). */
  limitReached(reason: string): void;
  /** Its code throws: the engine reports an error with this reason (the probe stays installed; resumed() ends it). */
  failing(reason: string, code: 'invalid-expression' | 'runtime-refused'): void;
}

/** A compiled probe of some kind: the code the patcher renders, and the handler its slot gets. */
export interface KindProbe {
  readonly code: CompiledProbe;
  /** A second site the probe's slot also serves (a tic-toc's end), at this line of the same file. */
  readonly end?: { readonly line: number; readonly code: CompiledProbe };
  /** Called once per probe; the handler it returns runs on every hit, so it allocates nothing there. */
  handler(ctx: HitContext): SlotHandler;
}

export interface ProbeKind<S extends ProbeSpec = ProbeSpec> {
  readonly kind: S['kind'];
  /** The kind in the plural, as refusals name it ("only logs are"). */
  readonly plural: string;
  /** Checks the kind's own fields (the engine checks file and line): what is wrong, or undefined. */
  check(spec: S): string | undefined;
  compile(spec: S): { ok: true; probe: KindProbe } | CompileFailure;
}
