import assert from 'node:assert/strict';
import { compileExpression } from '../../src/probes/expression.js';
import { evaluate } from './evaluate.js';

function refused(source: string): string {
  const r = compileExpression(source);
  assert.ok(!r.ok, `expected ${source} to be refused`);
  return r.error;
}

describe('probes/expression safety', () => {
  const cases: [string, RegExp][] = [
    ['a = 1', /assignment \(=\) at column 1/],
    ['x.y += 2', /assignment \(\+=\) at column 1/],
    ['a++', /\+\+ at column 1/],
    ['--a', /-- at column 1/],
    ['f()', /function call at column 1/],
    ['a.b.c()', /function call at column 1/],
    ['a?.()', /function call at column 1/],
    ['new Date()', /new at column 1/],
    ['delete a.b', /delete at column 1/],
    ['await p', /await at column 1/],
    ['yield x', /yield at column 1/],
    ['tag`x`', /tagged template at column 1/],
    ['import("fs")', /import\(\) at column 1/],
    ['function () {}', /function expression at column 1/],
    ['(() => 1)', /function expression at column 2/],
    ['class {}', /class expression at column 1/],
    ['[...xs]', /spread \(\.\.\.\) at column 2/],
    ['{...o}', /does not parse|spread/],
    ['({...o})', /spread \(\.\.\.\) at column 3/],
    ['({ get x() { return 1 } })', /getter at column 4/],
    ['({ m() {} })', /method at column 4/],
    ['/a+/.source', /regular expression literal at column 1/],
    ['a, b = 2', /assignment \(=\) at column 4/],
    ['$sonde$', /reserved for Sonde/],
    ['yield', /yield at column 1 is refused: it is a reserved word/],
    ['n + yield', /yield at column 5 is refused/],
    ['__sonde$probe', /reserved for Sonde/],
  ];
  for (const [source, reason] of cases) {
    it(`refuses ${source}`, () => assert.match(refused(source), reason));
  }

  it('reports columns relative to the text the user typed', () => {
    const r = compileExpression('a + f()', 10);
    assert.ok(!r.ok);
    assert.match(r.error, /function call at column 14/);
  });

  it('refuses trailing text and says so', () => {
    assert.match(refused('a b'), /unexpected text at column 3/);
  });
});

describe('probes/expression evaluation', () => {
  it('reads identifiers, literals, members (dot and computed), operators and templates', () => {
    const scope = { name: 'aa', cart: { items: [1, 2, 3] }, k: 'items', n: 4 };
    assert.equal(evaluate('name', scope), 'aa');
    assert.equal(evaluate('cart.items.length', scope), '3');
    assert.equal(evaluate('cart[k][1]', scope), '2');
    assert.equal(evaluate('n * 2 + 1 > 8 ? "big" : "small"', scope), 'big');
    assert.equal(evaluate('`${name}-${n}`', scope), 'aa-4');
    assert.equal(evaluate('typeof cart', scope), 'object');
    assert.equal(evaluate('!name || -n', scope), '-4');
    assert.equal(evaluate('[n, name]', scope), "[ 4, 'aa' ]");
    assert.equal(evaluate('({ n, "__proto__": 1 }).n', scope), '4');
    assert.equal(evaluate('name.length', scope), '2');
    assert.equal(evaluate('"items" in cart', scope), 'true');
    assert.equal(evaluate('cart.items instanceof Array', { ...scope, Array }), 'true');
    assert.equal(evaluate('n == 4 && cart != null', scope), 'true');
  });

  it('short-circuits optional chains like JavaScript', () => {
    assert.equal(evaluate('cart?.items.length', { cart: undefined }), 'undefined');
    assert.equal(evaluate('cart.items.length', { cart: undefined }), "<TypeError: Cannot read properties of undefined (reading 'items')>");
  });

  it('gives <x is not defined> for an identifier not in scope', () => {
    assert.equal(evaluate('nowhere'), '<nowhere is not defined>');
  });

  it('reports a getter that does more than return a value instead of invoking it', () => {
    let called = false;
    const obj = {
      get secret() {
        called = true;
        return 's3cret';
      },
    };
    assert.equal(evaluate('obj.secret', { obj }), '[getter: it does more than return a value]');
    assert.equal(evaluate('obj.secret.length', { obj }), '[getter: it does more than return a value]');
    assert.equal(called, false, 'the getter ran');
  });

  it('does not invoke an inherited getter either', () => {
    let called = false;
    class Account {
      get balance() {
        called = true;
        return 1;
      }
    }
    assert.equal(evaluate('acct.balance', { acct: new Account() }), '[getter: it does more than return a value]');
    assert.equal(called, false);
  });

  it('never fires a proxy trap', () => {
    const traps: string[] = [];
    const handler: ProxyHandler<object> = {};
    for (const trap of ['get', 'has', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'ownKeys'] as const) {
      (handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
        traps.push(trap);
        return (Reflect[trap] as (...a: unknown[]) => unknown)(...args);
      };
    }
    const p = new Proxy({ x: 1 }, handler);
    assert.equal(evaluate('p.x', { p }), '[proxy]');
    assert.equal(evaluate('"x" in p', { p }), '[proxy]');
    assert.equal(evaluate('p instanceof Object', { p, Object }), '[proxy]');
    assert.equal(evaluate('holder.inner.x', { holder: { inner: p } }), '[proxy]');
    assert.match(evaluate('p', { p }), /^\[proxy\]$/);
    assert.deepEqual(traps, []);
  });

  it('refuses operators that would run valueOf or toString on an object', () => {
    let called = false;
    const o = {
      valueOf() {
        called = true;
        return 1;
      },
      toString() {
        called = true;
        return 'o';
      },
    };
    assert.match(evaluate('o + 1', { o }), /operator on an object refused/);
    assert.match(evaluate('o == 1', { o }), /operator on an object refused/);
    assert.match(evaluate('-o', { o }), /operator on an object refused/);
    assert.match(evaluate('x[o]', { o, x: {} }), /object used as a property key refused/);
    assert.equal(called, false);
  });

  it('refuses instanceof with a custom Symbol.hasInstance', () => {
    let called = false;
    const C = class {
      static [Symbol.hasInstance]() {
        called = true;
        return true;
      }
    };
    assert.match(evaluate('v instanceof C', { v: {}, C }), /custom Symbol.hasInstance/);
    assert.equal(called, false);
  });
});
