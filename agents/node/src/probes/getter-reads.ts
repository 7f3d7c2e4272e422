// Getters a probe may follow. The values users of Fastify and Koa read
// first (request.method, ctx.url) are getters whose whole body is
// `return this.raw.method` or `return this[target][name]`. Such a getter is
// read by running a copy of its return expression compiled under the same
// rules as a probe expression, never the getter itself: each property it
// reads goes through the safe operators again (so a nested getter is judged
// the same way), and a call, an assignment or anything else a probe may not
// do leaves the value unread, with a marker that says why
// (`[getter: calls parse()]`). The verdict is worked out once per getter
// function and kept in a WeakMap, so a hit pays for the copy alone.

import { parseExpressionAt, type Node } from 'acorn';
import { types } from 'node:util';
import { compileExpression } from './expression.js';
import { closureValues } from './getter-closures.js';
import { HOOK_ALIAS } from './hook-names.js';
import { Marker } from './marker.js';
import { namesRead, replaceReads } from './scope-names.js';

/** The operators a copied getter calls, as generated probe code does (safe-ops.ts and the runtime). */
export type GetterOps = object;

/** Getters followed inside getters, at most: a getter that reads itself ends here. */
export const MAX_GETTER_DEPTH = 4;
/** Longer getters are not parsed during a hit. */
const MAX_GETTER_CHARS = 2_000;
const MAX_CALLEE_CHARS = 40;

type Read = (self: unknown) => unknown;

const verdicts = new WeakMap<Function, Read | Marker>();
let ops: GetterOps | undefined;
let depth = 0;

const apply = Reflect.apply;
const fnToString = Function.prototype.toString;
const makeFunction = Function;
const { isProxy } = types;

const NESTED = new Marker(`[getter: getters nested more than ${MAX_GETTER_DEPTH} deep]`);
const NO_RUNTIME = new Marker('[getter]');

/** Where copied getters find the safe operators; set once when the probe runtime is made. */
export function useGetterOps(o: GetterOps): void {
  ops = o;
}

/** The value `get` would give for `self`, by its checked copy; or a marker saying why it is not read. */
export function readThroughGetter(get: Function, self: unknown): unknown {
  let verdict = verdicts.get(get);
  if (verdict === undefined) {
    const judged = judge(get);
    verdict = judged.verdict;
    if (judged.keep) verdicts.set(get, verdict);
  }
  if (Marker.is(verdict)) return verdict;
  if (depth >= MAX_GETTER_DEPTH) return NESTED;
  depth++;
  try {
    return verdict(self);
  } finally {
    depth--;
  }
}

function marker(why: string): Marker {
  return new Marker(`[getter: ${why}]`);
}

function judge(get: Function): { verdict: Read | Marker; keep: boolean } {
  if (ops === undefined) return { verdict: NO_RUNTIME, keep: false };
  if (isProxy(get)) return { verdict: marker('a proxy'), keep: true };
  let source: string;
  try {
    source = apply(fnToString, get, []) as string;
  } catch {
    return { verdict: marker('its source is not readable'), keep: true };
  }
  if (/\{\s*\[native code\]\s*\}$/.test(source)) return { verdict: marker('native code'), keep: true };
  if (source.length > MAX_GETTER_CHARS) return { verdict: marker(`${source.length} characters of code, too long to check`), keep: true };
  const returned = returnedExpression(source);
  if (typeof returned === 'string') return { verdict: marker(returned), keep: true };
  const text = returned.source.slice(returned.node.start, returned.node.end);
  const call = firstCall(returned.node, returned.source);
  if (call !== undefined) return { verdict: marker(`calls ${call}()`), keep: true };
  const compiled = compileExpression(text);
  if (!compiled.ok) return { verdict: marker(compiled.error.replace(/ at column \d+.*$/, '')), keep: true };
  const outer = [...namesRead([compiled.code])];
  let values: unknown[] = [];
  let code = compiled.code;
  if (outer.length > 0) {
    const found = closureValues(get, outer);
    if (!found.ok) return { verdict: marker(found.why), keep: found.retry !== true };
    values = found.values;
    code = replaceReads(code, (name) => {
      const i = outer.indexOf(name);
      return found.globals.has(name) ? `${HOOK_ALIAS}.gv(${JSON.stringify(name)})` : `$c[${i}]`;
    });
  }
  try {
    const copy = (makeFunction(HOOK_ALIAS, '$c', `'use strict'; return function () { return ${code}; };`) as (o: GetterOps, c: unknown[]) => Function)(ops, values);
    return { verdict: (self) => apply(copy, self, []), keep: true };
  } catch (err) {
    // Code generation from strings may be off (--disallow-code-generation-from-strings).
    return { verdict: marker(`it could not be copied (${err instanceof Error ? err.message : String(err)})`), keep: true };
  }
}

type AnyNode = Node & Record<string, unknown>;

/** The expression a getter returns, when returning it is all the getter does; else why not. */
function returnedExpression(source: string): { node: Node; source: string } | string {
  // A class or object-literal getter prints as `get name() {…}`, one made by __defineGetter__ as `function () {…}`.
  for (const wrapped of [`(${source})`, `({${source}})`]) {
    let node: AnyNode;
    try {
      node = parseExpressionAt(wrapped, 0, { ecmaVersion: 'latest' }) as AnyNode;
    } catch {
      continue;
    }
    if (node.type === 'ParenthesizedExpression') node = node['expression'] as AnyNode;
    if (node.type === 'ObjectExpression') node = ((node['properties'] as AnyNode[])[0]?.['value'] ?? node) as AnyNode;
    if (node.type === 'ArrowFunctionExpression') return 'an arrow function';
    if (node.type !== 'FunctionExpression') return 'its source is not a function';
    if (node['async'] || node['generator']) return node['async'] ? 'an async function' : 'a generator';
    if ((node['params'] as unknown[]).length > 0) return 'it takes parameters';
    const body = ((node['body'] as AnyNode)['body'] as AnyNode[]).filter((s) => s.type !== 'EmptyStatement' && s['directive'] === undefined);
    const only = body[0];
    if (body.length !== 1 || only?.type !== 'ReturnStatement' || !only['argument']) return 'it does more than return a value';
    return { node: only['argument'] as Node, source: wrapped };
  }
  return 'its source does not parse';
}

/** The first function a getter's expression calls or constructs, as written: `parse`, `this.get`. */
function firstCall(node: Node, source: string): string | undefined {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as AnyNode | undefined;
    if (typeof n !== 'object' || n === null || typeof n.type !== 'string') continue;
    if (n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'TaggedTemplateExpression') {
      const callee = (n['callee'] ?? n['tag']) as Node;
      const text = source.slice(callee.start, callee.end).replace(/\s+/g, ' ');
      return text.length > MAX_CALLEE_CHARS ? `${text.slice(0, MAX_CALLEE_CHARS - 1)}…` : text;
    }
    for (const key of Object.keys(n)) {
      const v = n[key];
      if (Array.isArray(v)) stack.push(...[...v].reverse());
      else if (typeof v === 'object' && v !== null) stack.push(v);
    }
  }
  return undefined;
}
