import assert from 'node:assert/strict';
import { parseFormat, type FormatPart } from '../../src/probes/format.js';

function parts(format: string): FormatPart[] {
  const r = parseFormat(format);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.parts;
}

function error(format: string): string {
  const r = parseFormat(format);
  assert.ok(!r.ok, `expected ${JSON.stringify(format)} to be refused`);
  return r.error;
}

describe('probes/format', () => {
  it('splits literal text and expressions, with the column of each expression', () => {
    assert.deepEqual(parts('Hello {name}, cart {cart.items.length}'), [
      { kind: 'text', text: 'Hello ' },
      { kind: 'expr', source: 'name', column: 8 },
      { kind: 'text', text: ', cart ' },
      { kind: 'expr', source: 'cart.items.length', column: 21 },
    ]);
  });

  it('reads {{ and }} as literal braces', () => {
    assert.deepEqual(parts('{{x}} = {x}'), [
      { kind: 'text', text: '{x} = ' },
      { kind: 'expr', source: 'x', column: 10 },
    ]);
  });

  it('keeps braces that belong to an expression inside it', () => {
    assert.deepEqual(parts('v={`${a}-${b}`}!'), [
      { kind: 'text', text: 'v=' },
      { kind: 'expr', source: '`${a}-${b}`', column: 4 },
      { kind: 'text', text: '!' },
    ]);
  });

  it('ends a parenthesised expression at its closing parenthesis', () => {
    assert.deepEqual(parts('{(a + b) * 2}'), [{ kind: 'expr', source: '(a + b) * 2', column: 2 }]);
  });

  it('trims spaces around an expression', () => {
    assert.deepEqual(parts('{ a }'), [{ kind: 'expr', source: 'a', column: 3 }]);
  });

  it('refuses a lone } and names its column', () => {
    assert.match(error('a } b'), /lone } at column 3/);
  });

  it('refuses an unclosed { and names its column', () => {
    assert.match(error('x {name'), /unclosed { at column 3/);
    assert.match(error('x {'), /unclosed { at column 3/);
  });

  it('refuses an empty {} and names its column', () => {
    assert.match(error('ab{ }'), /empty {} at column 3/);
  });

  it('refuses text after an expression inside braces', () => {
    assert.match(error('{a b}'), /unexpected "b" at column 4/);
  });

  it('names yield as refused', () => {
    assert.match(error('{yield x}'), /yield at column 2 is refused/);
  });
});
