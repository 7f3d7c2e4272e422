// The hit handler counters and metrics share: each admitted hit adds to the
// probe's aggregate (metric-window.ts) instead of making an event, so there
// is no per-hit event and no log quota to spend. A condition that throws, or
// a metric value that is not a finite number, is an error state until a hit
// gets through again.

import type { MetricAggregate } from '../metric-window.js';
import type { SlotHandler } from '../runtime.js';
import { FailingState } from './hit-state.js';
import type { HitContext } from './kind.js';

/** `valueOf` gives the hit's value, or a reason it has none; undefined for counters (every hit counts one). */
export function aggregateHandler(ctx: HitContext, aggregate: MetricAggregate, valueOf?: (v: unknown) => number | string): SlotHandler {
  const failing = new FailingState(ctx);
  const fail = (reason: string, code: 'invalid-expression' | 'runtime-refused') => void failing.fail(reason, code);
  const ok = () => failing.ok();
  return {
    literals: [''],
    admit: () => {
      ctx.counter.hits++;
      return true;
    },
    line: () => {}, // never called: take() gets every admitted hit
    take: (values) => {
      if (valueOf === undefined) {
        aggregate.add(1);
        return ok();
      }
      const v = valueOf(values[0]);
      if (typeof v === 'string') return fail(`the metric's value ${v}; the hit is not counted`, 'invalid-expression');
      aggregate.add(v);
      ok();
    },
    failed: (reason, during) => fail(`${during === 'condition' ? 'the condition could not be evaluated' : 'the value could not be read'}: ${reason}`, 'invalid-expression'),
    released: () => ctx.metrics.close(aggregate),
  };
}
