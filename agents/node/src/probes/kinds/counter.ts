// Counter probes: hits of the line where the condition holds, counted per
// interval inside the agent and sent as one sample an interval.

import { compileCondition } from '../probe-code.js';
import type { CounterProbeSpec } from '../types.js';
import { aggregateHandler } from './aggregate.js';
import type { ProbeKind } from './kind.js';

export const counterKind: ProbeKind<CounterProbeSpec> = {
  kind: 'counter',
  plural: 'counters',

  check(spec) {
    if (typeof spec.condition !== 'string' || typeof spec.name !== 'string') return 'condition and name must be strings (empty means always, and the file and line)';
    return undefined;
  },

  compile(spec) {
    const condition = compileCondition(spec.condition);
    if (!condition.ok) return condition;
    const name = spec.name || `${spec.file}:${spec.line}`;
    return {
      ok: true,
      probe: { code: { values: [], condition: condition.code }, handler: (ctx) => aggregateHandler(ctx, ctx.metrics.open(spec.id, name, false)) },
    };
  },
};
