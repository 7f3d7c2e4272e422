// The names the function blocklist matches: a function's own, what holds it,
// and a method also as Class.method; innermost first.
import assert from 'node:assert/strict';
import { parse } from 'acorn';
import { functionNamesAt } from '../../src/probes/function-names.js';

const at = (source: string, marker = 'HERE') => functionNamesAt(parse(source, { ecmaVersion: 'latest', sourceType: 'module' }), source.indexOf(marker));

describe('probes/functionNamesAt', () => {
  it('names declarations, variables, properties and assignments', () => {
    assert.deepEqual(at('function charge() { HERE; }'), ['charge']);
    assert.deepEqual(at('const charge = () => { HERE; };'), ['charge']);
    assert.deepEqual(at('const api = { charge() { HERE; } };'), ['charge']);
    assert.deepEqual(at('const api = { charge: function () { HERE; } };'), ['charge']);
    assert.deepEqual(at('exports.charge = async function () { HERE; };'), ['charge']);
  });

  it('names a method also with its class, and lists every function around, innermost first', () => {
    assert.deepEqual(at('class Billing { charge(card) { return [1].map((x) => { HERE; }); } }'), ['Billing.charge', 'charge']);
    assert.deepEqual(at('class Billing { charge(card) { function inner() { HERE; } } }'), ['inner', 'Billing.charge', 'charge']);
    assert.deepEqual(at('const Billing = class { #refund() { HERE; } };'), ['Billing.refund', 'refund']);
  });

  it('names nothing at top level or in an anonymous callback', () => {
    assert.deepEqual(at('HERE;'), []);
    assert.deepEqual(at('setTimeout(() => { HERE; });'), []);
  });
});
