import assert from 'node:assert/strict';
import { formatValue, MAX_VALUE_CHARS } from '../../src/probes/value-format.js';

describe('probes/value-format', () => {
  it('puts strings in verbatim and primitives as JavaScript prints them', () => {
    assert.equal(formatValue('a "b"'), 'a "b"');
    assert.equal(formatValue(42), '42');
    assert.equal(formatValue(-0), '-0');
    assert.equal(formatValue(10n), '10n');
    assert.equal(formatValue(undefined), 'undefined');
    assert.equal(formatValue(null), 'null');
    assert.equal(formatValue(Symbol('s')), 'Symbol(s)');
  });

  it('cuts long values and marks the cut', () => {
    const long = 'x'.repeat(1000);
    assert.equal(formatValue(long), 'x'.repeat(MAX_VALUE_CHARS) + '…');
    const text = formatValue({ a: 'y'.repeat(200), b: 'z'.repeat(200) });
    assert.equal(text.length, MAX_VALUE_CHARS + 1);
    assert.ok(text.endsWith('…'));
  });

  it('shows objects on one line without calling getters or custom inspectors', () => {
    let called = false;
    const o = {
      n: 1,
      get g() {
        called = true;
        return 2;
      },
      [Symbol.for('nodejs.util.inspect.custom')]() {
        called = true;
        return 'custom';
      },
    };
    assert.match(formatValue(o), /^\{ n: 1, g: \[Getter\]/);
    assert.equal(formatValue(new Error('boom')).includes('\n'), false);
    assert.equal(called, false);
  });
});
