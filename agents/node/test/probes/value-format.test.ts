import assert from 'node:assert/strict';
import { MAX_READ_CHARS } from '../../src/probes/text-limits.js';
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

  it('names a string too long to read on a hit instead of copying it, and never cuts a surrogate pair in half', () => {
    const huge = 'x'.repeat(100_000_000); // built by repeat: reading any character would flatten it, a 100 MB copy
    assert.equal(formatValue(huge), `<string of 100000000 characters, not read: over ${MAX_READ_CHARS}>`);
    assert.equal(formatValue('y'.repeat(MAX_READ_CHARS)), 'y'.repeat(MAX_VALUE_CHARS) + '…');
    assert.equal(formatValue(`${'a'.repeat(MAX_VALUE_CHARS - 1)}😀tail`), 'a'.repeat(MAX_VALUE_CHARS - 1) + '…');
  });
});
