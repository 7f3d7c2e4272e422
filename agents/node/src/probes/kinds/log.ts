// Log probes: a format such as "Hello {name}" and a condition; each admitted
// hit becomes one line for the sink.

import { compileExpression } from '../expression.js';
import { parseFormat } from '../format.js';
import { compileCondition, compileFailure } from '../probe-code.js';
import type { SlotHandler } from '../runtime.js';
import type { LogProbeSpec } from '../types.js';
import { hitNow } from '../hit-clock.js';
import { admitByQuota, FailingState } from './hit-state.js';
import type { HitContext, ProbeKind } from './kind.js';

export const logKind: ProbeKind<LogProbeSpec> = {
  kind: 'log',
  plural: 'logs',

  check(spec) {
    if (typeof spec.format !== 'string' || typeof spec.condition !== 'string') {
      return 'format and condition must be strings (an empty condition means always)';
    }
    return undefined;
  },

  compile(spec) {
    const condition = compileCondition(spec.condition);
    if (!condition.ok) return condition;
    const format = parseFormat(spec.format);
    if (!format.ok) return compileFailure(`format: ${format.error}`, format.unsafe === true);
    const literals = [''];
    const values: string[] = [];
    const sources: string[] = [];
    for (const part of format.parts) {
      if (part.kind === 'text') {
        literals[literals.length - 1] += part.text;
        continue;
      }
      const e = compileExpression(part.source, part.column);
      if (!e.ok) return compileFailure(`format: ${e.error}`, e.unsafe);
      values.push(e.code);
      sources.push(part.source);
      literals.push('');
    }
    return { ok: true, probe: { code: { values, condition: condition.code }, handler: (ctx) => logHandler(ctx, literals, sources) } };
  },
};

/**
 * The slot handler the runtime calls on every hit: admit (count, quota),
 * then the formatted line to the sink. Nothing on this path allocates but
 * the line itself: one clock read a hit, one event object a probe.
 */
function logHandler(ctx: HitContext, literals: readonly string[], sources: readonly string[]): SlotHandler {
  const { id, sink, redaction } = ctx;
  // Which placeholders the policy hides by name: decided once per policy version, not per hit.
  const hidden = sources.map(() => false);
  let seen = -1;
  const hideSensitive = () => {
    seen = redaction.version;
    sources.forEach((s, i) => (hidden[i] = redaction.sensitiveName(s)));
  };
  hideSensitive();
  const event = { kind: 'log' as const, text: '', timeMs: 0 };
  let hitTime = 0; // one clock read per hit, shared by admit and line
  let failureLogged = false;
  const failing = new FailingState(ctx);
  return {
    literals,
    hidden,
    admit: () => {
      ctx.counter.hits++;
      failing.ok();
      if (seen !== redaction.version) hideSensitive();
      return admitByQuota(ctx, (hitTime = hitNow()));
    },
    redactValue: (text) => redaction.redactValue(text),
    line: (text) => {
      event.text = text;
      event.timeMs = hitTime;
      sink.event(id, event);
    },
    failed: (reason, during) => {
      const what = during === 'condition' ? 'the condition could not be evaluated' : 'the line could not be formatted';
      const text = `${what}: ${reason}; no line is logged while it fails`;
      if (!failing.fail(text, during === 'condition' ? 'invalid-expression' : 'runtime-refused') || failureLogged) return;
      failureLogged = true;
      sink.event(id, { kind: 'log', text: `[sonde] ${text}`, timeMs: Date.now() });
    },
  };
}
