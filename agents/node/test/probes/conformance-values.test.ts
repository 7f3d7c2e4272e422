// Runs protocol/conformance/values.json through the function that renders
// each value of a log line (value-format.ts), one test per case.
import assert from 'node:assert/strict';
import { formatValue } from '../../src/probes/value-format.js';
import { casesFor, textOf, valueOf, type CaseBase, type Text, type Value } from './conformance-data.js';

interface ValueCase extends CaseBase {
  value: Value;
  expect: Text;
}

const cases = casesFor<ValueCase>('values.json');

/** Long texts are shown by their ends: a failure stays readable. */
function show(s: string): string {
  return s.length <= 300 ? JSON.stringify(s) : `${JSON.stringify(s.slice(0, 120))}…(${s.length} characters)…${JSON.stringify(s.slice(-120))}`;
}

describe('conformance: values.json', () => {
  it('has cases', () => assert.ok(cases.length > 0));
  for (const c of cases) {
    it(c.name, () => {
      const got = formatValue(valueOf(c.value));
      const want = textOf(c.expect);
      assert.ok(got === want, `got ${show(got)}, want ${show(want)}`);
    });
  }
});
