// The names a statement can see, innermost scope first, for a snapshot's
// locals: the parameters, hoisted `var`s and function declarations of each
// enclosing function; `let`, `const` and classes of each enclosing block
// declared before the statement (the statement's own declaration is not
// initialised yet when the probe in front of it runs); loop and catch
// bindings; a module's imports; and whether `this` is the enclosing
// function's own. A name an inner scope declares hides the outer one.
//
// Names from outside the innermost function count only when that function
// already uses them: V8 keeps an outer variable reachable from a closure
// only if some closure referred to it when the code was compiled, and a live
// edit that reads one it did not (a module-level class the function never
// names, say) is taken but leaves the function's old code running.

import { parseExpressionAt, type Node, type Program } from 'acorn';
import { isNode, type AnyNode } from './ast-node.js';


export interface VisibleNames {
  /** Innermost first, each once. */
  names: string[];
  /** Inside a function that is not an arrow (or an arrow inside one): `this` is worth reading. */
  hasThis: boolean;
  /** Every name any enclosing scope declares, reachable or not (a name not here is a global). */
  declared: Set<string>;
  /** Declared outside the innermost function and not used by it: patched code cannot read these (see above). */
  unreachable: Set<string>;
}

/** Where generated probe code reads a name (not a property name, not Sonde's own). */
function readsIn(code: string): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  const walk = (node: unknown, parent: AnyNode | undefined, key: string): void => {
    if (!isNode(node)) return;
    if (node.type === 'Identifier') {
      const name = node['name'] as string;
      const isKey = parent !== undefined && ((parent.type === 'MemberExpression' && key === 'property' && !parent['computed']) || (parent.type === 'Property' && key === 'key' && !parent['computed']));
      if (!isKey && !name.startsWith('$sonde$') && !name.startsWith('__sonde$')) out.push({ name, start: node.start, end: node.end });
      return;
    }
    for (const k of Object.keys(node)) {
      if (k === 'loc') continue;
      const v = node[k];
      for (const child of Array.isArray(v) ? v : [v]) walk(child, node, k);
    }
  };
  try {
    walk(parseExpressionAt(code, 0, { ecmaVersion: 'latest' }), undefined, '');
  } catch {
    // generated code always parses; if not, V8 says so when it compiles it
  }
  return out;
}

/** The names generated probe code reads. */
export function namesRead(codes: readonly string[]): Set<string> {
  return new Set(codes.flatMap((code) => readsIn(code).map((r) => r.name)));
}

/** The code with each read of a name `replace` answers for swapped for that answer. */
export function replaceReads(code: string, replace: (name: string) => string | undefined): string {
  let out = code;
  for (const r of readsIn(code).reverse()) {
    const instead = replace(r.name);
    if (instead !== undefined) out = out.slice(0, r.start) + instead + out.slice(r.end);
  }
  return out;
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);


/** The nodes from the program down to the innermost one that contains `pos`. */
function chainTo(program: Program, pos: number): AnyNode[] {
  const chain: AnyNode[] = [program as unknown as AnyNode];
  for (;;) {
    const node = chain.at(-1)!;
    let next: AnyNode | undefined;
    for (const key of Object.keys(node)) {
      if (key === 'loc') continue;
      const v = node[key];
      for (const child of Array.isArray(v) ? v : [v]) {
        if (isNode(child) && child.start <= pos && pos < child.end) next = child;
      }
      if (next) break;
    }
    if (next === undefined) return chain;
    chain.push(next);
  }
}

/** Identifiers a binding pattern declares: `a`, `{ b, c: d }`, `[e, ...f]`, `g = 1`. */
function patternNames(p: unknown, out: string[]): void {
  if (!isNode(p)) return;
  switch (p.type) {
    case 'Identifier':
      out.push(p['name'] as string);
      break;
    case 'AssignmentPattern':
      patternNames(p['left'], out);
      break;
    case 'RestElement':
      patternNames(p['argument'], out);
      break;
    case 'ArrayPattern':
      for (const e of p['elements'] as unknown[]) patternNames(e, out);
      break;
    case 'ObjectPattern':
      for (const prop of p['properties'] as AnyNode[]) patternNames(prop.type === 'RestElement' ? prop : prop['value'], out);
      break;
  }
}

function declared(statement: AnyNode, out: string[], kinds: ReadonlySet<string>): void {
  if (statement.type === 'VariableDeclaration' && kinds.has(statement['kind'] as string)) {
    for (const d of statement['declarations'] as AnyNode[]) patternNames(d['id'], out);
  } else if ((statement.type === 'ClassDeclaration' || statement.type === 'FunctionDeclaration') && kinds.has(statement.type) && isNode(statement['id'])) {
    out.push(statement['id']['name'] as string);
  } else if (statement.type === 'ImportDeclaration' && kinds.has('import')) {
    for (const s of statement['specifiers'] as AnyNode[]) patternNames(s['local'], out);
  } else if ((statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration') && isNode(statement['declaration'])) {
    declared(statement['declaration'], out, kinds);
  }
}

/** `var`s anywhere in a function body, not inside nested functions (they are hoisted to it). */
function hoistedVars(node: unknown, out: string[]): void {
  if (!isNode(node) || FUNCTIONS.has(node.type) || node.type.startsWith('Class')) return;
  if (node.type === 'VariableDeclaration' && node['kind'] === 'var') declared(node, out, new Set(['var']));
  for (const key of Object.keys(node)) {
    if (key === 'loc') continue;
    const v = node[key];
    for (const child of Array.isArray(v) ? v : [v]) hoistedVars(child, out);
  }
}

const BLOCK_BEFORE = new Set(['let', 'const', 'ClassDeclaration']);
const BLOCK_ANYWHERE = new Set(['FunctionDeclaration', 'import']);

/** Every identifier the node's code refers to (and whether it uses `this`). */
function referenced(node: unknown, out: Set<string>): void {
  if (!isNode(node)) return;
  if (node.type === 'Identifier') out.add(node['name'] as string);
  else if (node.type === 'ThisExpression') out.add('this');
  for (const key of Object.keys(node)) {
    if (key === 'loc') continue;
    const v = node[key];
    for (const child of Array.isArray(v) ? v : [v]) referenced(child, out);
  }
}

/** What the statement starting at `pos` can see. */
export function visibleNames(program: Program, pos: number): VisibleNames {
  const chain = chainTo(program, pos);
  const names: string[] = [];
  let hasThis = false;
  let thisDecided = false;
  /** Set once past the innermost function: what that function refers to. */
  let uses: Set<string> | undefined;
  const bound = new Set<string>();
  const unreachable = new Set<string>();
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i]!;
    const found: string[] = [];
    const body = node['body'];
    if (node.type === 'Program' || node.type === 'BlockStatement' || node.type === 'StaticBlock' || node.type === 'SwitchCase') {
      const list = (node.type === 'SwitchCase' ? node['consequent'] : body) as AnyNode[];
      for (const s of list) {
        declared(s, found, BLOCK_ANYWHERE);
        if (s.end <= pos) declared(s, found, BLOCK_BEFORE);
      }
      if (node.type === 'Program') hoistedVars(node, found);
    } else if (FUNCTIONS.has(node.type)) {
      for (const p of node['params'] as unknown[]) patternNames(p, found);
      if (node.type === 'FunctionExpression' && isNode(node['id'])) found.push(node['id']['name'] as string);
      hoistedVars(body, found);
      if (!thisDecided && node.type !== 'ArrowFunctionExpression') {
        hasThis = uses === undefined || uses.has('this');
        thisDecided = true;
      }
    } else if (node.type === 'ForStatement' || node.type === 'ForInStatement' || node.type === 'ForOfStatement') {
      const init = node.type === 'ForStatement' ? node['init'] : node['left'];
      if (isNode(init)) declared(init, found, BLOCK_BEFORE);
    } else if ((node.type === 'ClassDeclaration' || node.type === 'ClassExpression') && isNode(node['id'])) {
      found.push(node['id']['name'] as string); // a class's name is bound inside its body
    } else if (node.type === 'CatchClause') {
      patternNames(node['param'], found);
    }
    for (const n of found) {
      if (bound.has(n)) continue; // an inner declaration hides it
      bound.add(n);
      if (uses === undefined || uses.has(n)) names.push(n);
      else unreachable.add(n);
    }
    if (uses === undefined && FUNCTIONS.has(node.type)) {
      // Its own name (a declaration's id) is not a use.
      uses = new Set();
      for (const p of node['params'] as unknown[]) referenced(p, uses);
      referenced(node['body'], uses);
    }
  }
  return { names, hasThis, declared: bound, unreachable };
}
