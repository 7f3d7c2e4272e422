// The kinds of probe this engine runs, by name. Adding a kind is one module
// beside log.ts, one line here, and one member of ProbeSpec in types.ts.

import type { ProbeKind } from './kind.js';
import { counterKind } from './counter.js';
import { logKind } from './log.js';
import { metricKind } from './metric.js';
import { snapshotKind } from './snapshot.js';
import { ticTocKind } from './tictoc.js';

const KINDS: readonly ProbeKind[] = [logKind, snapshotKind, counterKind, ticTocKind, metricKind] as readonly ProbeKind[];

const BY_NAME = new Map<string, ProbeKind>(KINDS.map((k) => [k.kind, k]));

/** The module for a spec's kind, or undefined when this engine does not run it. */
export function kindNamed(kind: unknown): ProbeKind | undefined {
  return typeof kind === 'string' ? BY_NAME.get(kind) : undefined;
}

/** "logs", "logs and snapshots": what this engine runs, for refusals. */
export const SUPPORTED_KINDS = KINDS.map((k) => k.plural).join(', ').replace(/, ([^,]*)$/, ' and $1');
