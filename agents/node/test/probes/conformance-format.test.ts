// Runs protocol/conformance/format.json through this agent's format parser, one test per case.
import assert from 'node:assert/strict';
import { parseFormat } from '../../src/probes/format.js';
import { compileFailure } from '../../src/probes/probe-code.js';
import { casesFor, type CaseBase } from './conformance-data.js';

type Part = { text: string } | { expr: string; column: number };
type Code = 'invalid-expression' | 'unsafe-expression';

interface FormatCase extends CaseBase {
  format: string;
  expect: { parts: Part[] } | { error: string; code: Code } | { errorStartsWith: string; code: Code };
}

const cases = casesFor<FormatCase>('format.json');

describe('conformance: format.json', () => {
  it('has cases', () => assert.ok(cases.length > 0));
  for (const c of cases) {
    it(c.name, () => {
      const r = parseFormat(c.format);
      const what = `format ${JSON.stringify(c.format)}`;
      if ('parts' in c.expect) {
        assert.ok(r.ok, `${what} was refused: ${r.ok ? '' : r.error}`);
        const parts = r.parts.map((p): Part => (p.kind === 'text' ? { text: p.text } : { expr: p.source, column: p.column }));
        assert.deepEqual(parts, c.expect.parts, what);
        return;
      }
      assert.ok(!r.ok, `${what} was accepted: ${JSON.stringify(r.ok && r.parts)}`);
      // The code a probe whose format this is gets (log.ts: format failures go through compileFailure).
      assert.equal(compileFailure(r.error, r.unsafe === true).code, c.expect.code, `${what}: ${r.error}`);
      if ('error' in c.expect) assert.equal(r.error, c.expect.error, what);
      else assert.ok(r.error.startsWith(c.expect.errorStartsWith), `${what}: ${JSON.stringify(r.error)} does not start with ${JSON.stringify(c.expect.errorStartsWith)}`);
    });
  }
});
