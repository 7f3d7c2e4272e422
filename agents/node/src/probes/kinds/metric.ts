// Metric probes: a numeric expression read at the line (under the same
// safety rules as a log's values), aggregated per interval inside the agent:
// count, sum, min, max and quantiles, sent as one sample an interval.

import { compileExpression } from '../expression.js';
import { compileCondition, compileFailure } from '../probe-code.js';
import { formatValue } from '../value-format.js';
import type { MetricProbeSpec } from '../types.js';
import { aggregateHandler } from './aggregate.js';
import type { ProbeKind } from './kind.js';

export const metricKind: ProbeKind<MetricProbeSpec> = {
  kind: 'metric',
  plural: 'metrics',

  check(spec) {
    if (typeof spec.expression !== 'string' || spec.expression.trim() === '') return 'a metric needs an expression whose value is a number (expressions[0]), e.g. cart.total';
    if (typeof spec.condition !== 'string' || typeof spec.name !== 'string') return 'condition and name must be strings';
    return undefined;
  },

  compile(spec) {
    const condition = compileCondition(spec.condition);
    if (!condition.ok) return condition;
    const value = compileExpression(spec.expression);
    if (!value.ok) return compileFailure(`expression: ${value.error}`, value.unsafe);
    const name = spec.name || spec.expression.trim();
    return {
      ok: true,
      probe: { code: { values: [value.code], condition: condition.code }, handler: (ctx) => aggregateHandler(ctx, ctx.metrics.open(spec.id, name, true), numberOf) },
    };
  },
};

/** A finite number (a bigint within range counts), or why the value is not one. */
function numberOf(v: unknown): number | string {
  if (typeof v === 'number') return Number.isFinite(v) ? v : `is ${v}, not a finite number`;
  if (typeof v === 'bigint') return Number(v);
  return `is ${formatValue(v)}, not a number`;
}
