// Runs protocol/conformance/redaction.json against this agent's redaction:
// the default names must be the file's, each name case redacted or kept,
// each value rewritten as the case says, and patterns refused or taken.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPattern, DEFAULT_NAMES, Redaction } from '../../src/probes/redaction.js';
import { casesFor, type CaseBase } from './conformance-data.js';
import { CONFORMANCE } from './helpers.js';

interface RedactionCase extends CaseBase {
  policyNames?: string[];
  policyPatterns?: string[];
  names?: { redacted?: string[]; kept?: string[] };
  values?: { in: string; out: string }[];
  refusedPatterns?: string[];
  acceptedPatterns?: string[];
}

const cases = casesFor<RedactionCase>('redaction.json');

describe('conformance: redaction.json', () => {
  it('the default names are the file\'s', () => {
    const file = JSON.parse(readFileSync(join(CONFORMANCE, 'redaction.json'), 'utf8')) as { defaultNames: string[] };
    assert.deepEqual([...DEFAULT_NAMES], file.defaultNames);
  });

  it('a name decided once is decided again after the policy changes (the answers are cached)', () => {
    const r = new Redaction();
    assert.equal(r.sensitiveName('customerNote'), false);
    assert.equal(r.sensitiveName('customerNote'), false);
    r.set({ names: ['note'] });
    assert.equal(r.sensitiveName('customerNote'), true);
    r.set({});
    assert.equal(r.sensitiveName('customerNote'), false);
  });

  it('a short number skips the value patterns, unless an operator pattern could match digits', () => {
    assert.equal(new Redaction().redactValue('4111111111111111'), '[redacted]');
    assert.equal(new Redaction().redactValue('12345678901'), '12345678901');
    assert.equal(new Redaction({ patterns: ['\\b\\d{5}\\b'] }).redactValue('12345'), '[redacted]');
  });

  for (const c of cases) {
    it(c.name, () => {
      const r = new Redaction({ names: c.policyNames, patterns: c.policyPatterns });
      for (const n of c.names?.redacted ?? []) assert.equal(r.sensitiveName(n), true, `${n} should be redacted`);
      for (const n of c.names?.kept ?? []) assert.equal(r.sensitiveName(n), false, `${n} should be kept`);
      for (const v of c.values ?? []) {
        assert.equal(r.redactText(v.in), v.out);
        // A log value goes through redactValue, whose fast path for short numbers must change nothing.
        if (!/: /.test(v.in)) assert.equal(r.redactValue(v.in), v.out, `${v.in} as a log value`);
      }
      for (const p of c.refusedPatterns ?? []) assert.notEqual(checkPattern(p), undefined, `${p} should be refused`);
      for (const p of c.acceptedPatterns ?? []) assert.equal(checkPattern(p), undefined, `${p} should be taken`);
    });
  }
});
