// Runs the cases every Sonde agent shares (protocol/conformance) through this
// agent's own code, one test per case.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchPathUnder } from '../../src/probes/path-match.js';
import { CONFORMANCE } from './helpers.js';

interface PathMatchCase {
  name: string;
  path: string;
  loaded: string[];
  roots: string[];
  expect: { match: string } | { candidates: string[] } | { none: true };
}

const { cases } = JSON.parse(readFileSync(join(CONFORMANCE, 'path-match.json'), 'utf8')) as { cases: PathMatchCase[] };

describe('conformance: path-match.json', () => {
  it('has cases', () => assert.ok(cases.length > 0));
  for (const c of cases) {
    it(c.name, () => {
      const m = matchPathUnder(c.path, c.loaded, c.roots);
      const got = m.kind === 'match' ? { match: m.path } : m.kind === 'ambiguous' ? { candidates: m.candidates } : { none: true };
      assert.deepEqual(got, c.expect, `${JSON.stringify(c.path)} among ${JSON.stringify(c.loaded)}, roots ${JSON.stringify(c.roots)}`);
    });
  }
});
