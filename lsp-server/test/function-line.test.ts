// Which lines the code actions take for a function's first line (the tic-toc's function form), by language.
import assert from 'node:assert/strict';
import { functionStartingAt } from '../src/features/function-line.js';

describe('function-line', () => {
  const js = (text: string) => functionStartingAt(text, 'javascript', 'app.js');

  it('names JavaScript and TypeScript functions, arrows and methods', () => {
    assert.equal(js('function greet(name) {'), 'greet');
    assert.equal(js('export async function* pages(url) {'), 'pages');
    assert.equal(js('module.exports = function (req, res) {'), 'module.exports');
    assert.equal(js('const handler = async (req, res) => {'), 'handler');
    assert.equal(js('  retry = n => {'), 'retry');
    assert.equal(js('  async fetch(url: string): Promise<Response> {'), 'fetch');
    assert.equal(js('  static get instance() {'), 'instance');
    assert.equal(js('setTimeout(function () {'), undefined, 'a call that passes a function is not a function line');
    assert.equal(js('export default function () {'), '(anonymous)');
  });

  it('leaves statements alone', () => {
    for (const text of ['  if (ok) {', '  for (const x of xs) {', '  while (n--) {', "  return 'Hello: ' + name;", '  greet(name);', '}', '  switch (kind) {', '  } catch (err) {']) {
      assert.equal(js(text), undefined, text);
    }
  });

  it('knows Python defs and Kotlin and Java functions by the file', () => {
    assert.equal(functionStartingAt('    async def handle(self, request):', undefined, 'views.py'), 'handle');
    assert.equal(functionStartingAt('    if ok:', undefined, 'views.py'), undefined);
    assert.equal(functionStartingAt('    suspend fun load(id: Long): User {', undefined, 'Repo.kt'), 'load');
    assert.equal(functionStartingAt('fun <T> List<T>.second(): T = this[1]', undefined, 'Ext.kt'), 'second');
    assert.equal(functionStartingAt('  public static void main(String[] args) {', 'java', 'Main.java'), 'main');
    assert.equal(functionStartingAt('    return x;', 'java', 'Main.java'), undefined);
  });
});
