// Evaluates an expression the way a probe does, for tests of what
// expressions read: the test plays the probed function, whose parameters
// are the scope.

import assert from 'node:assert/strict';
import { compileExpression } from '../../src/probes/expression.js';
import { HOOK_ALIAS, HOOK_GLOBAL } from '../../src/probes/hook-names.js';
import { installRuntime } from '../../src/probes/runtime.js';
import { formatValue } from '../../src/probes/value-format.js';

installRuntime();

/** The text a log line would show for `source`. */
export function evaluate(source: string, scope: Record<string, unknown> = {}): string {
  const r = compileExpression(source);
  assert.ok(r.ok, r.ok ? '' : r.error);
  const names = Object.keys(scope);
  const fn = new Function(
    ...names,
    `const ${HOOK_ALIAS}=globalThis.${HOOK_GLOBAL};try{return ${r.code}}catch(e){return ${HOOK_ALIAS}.m(e)}`,
  ) as (...args: unknown[]) => unknown;
  return formatValue(fn(...names.map((n) => scope[n])));
}
