import assert from 'node:assert/strict';
import { originalColumns } from '../../src/probes/patched-columns.js';

describe('probes/patched-columns', () => {
  // Line 2 gets two insertions: "AA" before `b` (column 1) and "BBB" before `c` (column 8).
  const original = 'let a;\nb = 1; c = 2;\r\nd = 3;';
  const columns = originalColumns(original, [
    { offset: original.indexOf('b = 1'), text: 'AA' },
    { offset: original.indexOf('c = 2'), text: 'BBB' },
    { offset: original.indexOf('d = 3'), text: 'C' },
  ])!;

  it('maps a patched column back past the text inserted before it on its line', () => {
    // patched line 2: "AAb = 1; BBBc = 2;"
    assert.equal(columns(2, 3), 1, 'b');
    assert.equal(columns(2, 7), 5, '1');
    assert.equal(columns(2, 13), 8, 'c, after both insertions');
    assert.equal(columns(1, 5), 5, 'a line with nothing inserted is as it was');
  });

  it('puts a column inside inserted code at the statement it stands before', () => {
    assert.equal(columns(2, 1), 1);
    assert.equal(columns(2, 11), 8, 'inside BBB');
  });

  it('counts a CRLF as one line break, as V8 does', () => {
    assert.equal(columns(3, 2), 1, 'd on line 3');
  });

  it('has nothing to map when nothing was inserted, or when an insertion spans lines', () => {
    assert.equal(originalColumns(original, []), undefined);
    assert.equal(originalColumns(original, [{ offset: 0, text: 'x\ny' }]), undefined);
  });
});
