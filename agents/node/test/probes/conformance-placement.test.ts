// Runs protocol/conformance/placement.json through the agent's line matcher, one test per case.
import assert from 'node:assert/strict';
import { placeEditorLine, type Placement } from '../../src/probes/line-match.js';
import { casesFor, type CaseBase } from './conformance-data.js';

interface PlacementCase extends CaseBase {
  running: string[];
  line: number;
  text: string;
  before: string[];
  after: string[];
  expect: { same: number } | { moved: number; message: string } | { refused: string };
}

const cases = casesFor<PlacementCase>('placement.json');

function expected(e: PlacementCase['expect']): Placement {
  if ('same' in e) return { kind: 'same', line: e.same };
  if ('moved' in e) return { kind: 'moved', line: e.moved, message: e.message };
  return { kind: 'refused', message: e.refused };
}

describe('conformance: placement.json', () => {
  it('has cases', () => assert.ok(cases.length > 0));
  for (const c of cases) {
    it(c.name, () => {
      const got = placeEditorLine(c.running.join('\n'), { line: c.line, text: c.text, before: c.before, after: c.after });
      assert.deepEqual(got, expected(c.expect));
    });
  }
});
