// Tic-toc probes: the time between two lines of a file (a tic at the first,
// a toc at the second, placed as two sites sharing one slot), or of a whole
// function (endLine 0: its body wrapped in try/finally, so every return,
// await and throw ends the span). Aggregated per interval like a metric, in
// milliseconds. The tic's condition picks which spans are timed.

import { compileCondition } from '../probe-code.js';
import type { TicTocProbeSpec } from '../types.js';
import { aggregateHandler } from './aggregate.js';
import type { ProbeKind } from './kind.js';

export const ticTocKind: ProbeKind<TicTocProbeSpec> = {
  kind: 'tictoc',
  plural: 'tic-tocs',

  check(spec) {
    if (typeof spec.condition !== 'string' || typeof spec.name !== 'string') return 'condition and name must be strings';
    if (spec.endLine === -1) return 'a tic-toc ends in the file where it starts: give an end line in the same file';
    if (!Number.isInteger(spec.endLine) || spec.endLine < 0) return `end line ${String(spec.endLine)} is not a line number (0, or none, times the function that starts on the line)`;
    if (spec.endLine !== 0 && spec.endLine <= spec.line) return `the end line (${spec.endLine}) must come after the start line (${spec.line}); to time a function, give its first line and no end`;
    return undefined;
  },

  compile(spec) {
    const condition = compileCondition(spec.condition);
    if (!condition.ok) return condition;
    const name = spec.name || (spec.endLine === 0 ? `${spec.file}:${spec.line} (function)` : `${spec.file}:${spec.line}-${spec.endLine}`);
    const timed = (ctx: Parameters<typeof aggregateHandler>[0]) => aggregateHandler(ctx, ctx.metrics.open(spec.id, name, true), (ms) => ms as number);
    if (spec.endLine === 0) return { ok: true, probe: { code: { values: [], condition: condition.code, timer: 'function' }, handler: timed } };
    return {
      ok: true,
      probe: {
        code: { values: [], condition: condition.code, timer: 'tic' },
        end: { line: spec.endLine, code: { values: [], condition: undefined, timer: 'toc' } },
        handler: timed,
      },
    };
  },
};
