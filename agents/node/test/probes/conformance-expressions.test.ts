// Runs protocol/conformance/expressions.json through this agent's expression
// compiler (expression.ts), one test per case: accepted, or refused with its
// reason code and text.
import assert from 'node:assert/strict';
import { compileExpression } from '../../src/probes/expression.js';
import { compileFailure } from '../../src/probes/probe-code.js';
import { casesFor, textOf, type CaseBase, type Text } from './conformance-data.js';

type Code = 'invalid-expression' | 'unsafe-expression';

interface ExpressionCase extends CaseBase {
  expression: Text;
  expect: { ok: true } | { code: Code; error: string } | { code: Code; errorStartsWith: string };
}

const cases = casesFor<ExpressionCase>('expressions.json');

describe('conformance: expressions.json', () => {
  it('has cases', () => assert.ok(cases.length > 0));
  for (const c of cases) {
    it(c.name, () => {
      const source = textOf(c.expression);
      const r = compileExpression(source);
      const what = `expression ${JSON.stringify(source.length > 80 ? `${source.slice(0, 80)}…` : source)}`;
      if ('ok' in c.expect) {
        assert.ok(r.ok, `${what} was refused: ${r.ok ? '' : r.error}`);
        return;
      }
      assert.ok(!r.ok, `${what} was accepted`);
      // The code a probe gets for it, as a condition or in a format (probe-code.ts, log.ts).
      assert.equal(compileFailure(r.error, r.unsafe).code, c.expect.code, `${what}: ${r.error}`);
      if ('error' in c.expect) assert.equal(r.error, c.expect.error, what);
      else assert.ok(r.error.startsWith(c.expect.errorStartsWith), `${what}: ${JSON.stringify(r.error)} does not start with ${JSON.stringify(c.expect.errorStartsWith)}`);
    });
  }
});
