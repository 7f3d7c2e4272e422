// Checks a probe expression or condition and generates the JavaScript that
// evaluates it. The user's text is never spliced into program source: it is
// parsed with acorn, every node is checked against the safety rules, and code
// is generated from the checked tree. Anything that could change program
// state or run program code is refused with the construct and its column.
//
// Generated code calls the runtime (see safe-ops.ts) through HOOK_ALIAS for
// every operation that could otherwise run program code: property reads
// (getters, proxies), operators on objects (valueOf/toString), `in` and
// `instanceof` (proxy traps, Symbol.hasInstance). Plain identifiers stay plain
// so that they resolve in the probed function's scope.

import { parseExpressionAt, type Expression, type Node, type Property, type SpreadElement, type Super, type PrivateIdentifier, type TemplateLiteral } from 'acorn';
import { HOOK_ALIAS, RESERVED_PREFIXES } from './hook-names.js';

/** `unsafe`: refused as something that could change program state or run program code (else it does not parse). */
export type CompileResult = { ok: true; code: string } | { ok: false; error: string; unsafe: boolean };

const H = HOOK_ALIAS;

class Refused extends Error {}
class TooDeep extends Error {}

/**
 * How deep an expression may nest (each operator, member access, literal
 * element is a level). V8 compiles the probe's code on a stack it shares
 * with the program, at a depth it does not choose: 4,000 nested `!` made it
 * refuse the patched script with a stack overflow.
 */
export const MAX_NESTING = 100;

/** Why a text nested too deeply for the parser itself. */
export function tooDeepToParse(column: number): string {
  return `nests too deeply to parse at column ${column}: a probe expression may nest at most ${MAX_NESTING} levels`;
}

/** Operators that coerce objects to primitives (and so could run valueOf/toString). */
const COERCING_BINARY = new Set(['+', '-', '*', '/', '%', '**', '<', '>', '<=', '>=', '<<', '>>', '>>>', '&', '|', '^']);

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;

/** Names that acorn accepts as identifiers in sloppy scripts but that mean something else inside
 * generators, async functions, strict code or modules: `yield` in a generator would suspend it. */
const CONTEXTUAL_RESERVED = new Set(['yield', 'await', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'enum']);

/**
 * Compiles one expression. `column` is the 1-based column of source[0] in
 * what the user typed (a format string puts expressions mid-line), so that
 * errors point at the right place.
 */
export function compileExpression(source: string, column = 1): CompileResult {
  let node: Expression;
  try {
    node = parseExpressionAt(source, 0, { ecmaVersion: 'latest', allowAwaitOutsideFunction: true, preserveParens: true });
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, error: tooDeepToParse(column), unsafe: false };
    const pos = (err as { pos?: number }).pos ?? 0;
    const message = err instanceof Error ? err.message.replace(/\s*\(\d+:\d+\)$/, '') : String(err);
    return { ok: false, error: `does not parse at column ${pos + column}: ${message}`, unsafe: false };
  }
  let end = node.end;
  while (end < source.length && /\s/.test(source[end]!)) end++;
  if (end < source.length) {
    if (node.type === 'Identifier' && node.name === 'yield') {
      return { ok: false, error: refuseYieldAt(node.start + column), unsafe: true };
    }
    return { ok: false, error: `unexpected text at column ${end + column}: a probe takes one expression`, unsafe: false };
  }
  try {
    return { ok: true, code: new Generator(column).expr(node) };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, error: err.message, unsafe: true };
    if (err instanceof TooDeep) return { ok: false, error: err.message, unsafe: false };
    throw err;
  }
}

/** acorn reads `yield x` outside a generator as the identifier yield then junk; say what it is. */
export function refuseYieldAt(column: number): string {
  return `yield at column ${column} is refused: a probe cannot suspend the program`;
}


/** Constructs refused whatever their operands: what to call them, and why. */
const REFUSED = {
  CallExpression: ['function call', 'a probe never runs program code (read a property or variable instead)'],
  NewExpression: ['new', 'it runs a constructor'],
  AwaitExpression: ['await', 'a probe cannot suspend the program'],
  YieldExpression: ['yield', 'a probe cannot suspend the program'],
  TaggedTemplateExpression: ['tagged template', 'it calls the tag function'],
  ImportExpression: ['import()', 'it loads and runs code'],
  FunctionExpression: ['function expression', 'a probe cannot define code'],
  ArrowFunctionExpression: ['function expression', 'a probe cannot define code'],
  ClassExpression: ['class expression', 'a probe cannot define code'],
  SpreadElement: ['spread (...)', 'it runs iterators and getters'],
} as const;

class Generator {
  private depth = 0;

  constructor(private readonly column: number) {}

  private refuse(node: Node, what: string, why: string): never {
    throw new Refused(`${what} at column ${node.start + this.column} is refused: ${why}`);
  }

  expr(node: Expression | SpreadElement | Super | PrivateIdentifier): string {
    if (++this.depth > MAX_NESTING) {
      throw new TooDeep(`the expression nests more than ${MAX_NESTING} levels deep at column ${node.start + this.column}: write it with fewer nested parts`);
    }
    try {
      return this.node(node);
    } finally {
      this.depth--;
    }
  }

  private node(node: Expression | SpreadElement | Super | PrivateIdentifier): string {
    switch (node.type) {
      case 'Identifier': {
        const name = node.name;
        if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) {
          this.refuse(node, `identifier ${name}`, `names starting with ${RESERVED_PREFIXES.join(' or ')} are reserved for Sonde`);
        }
        if (!IDENTIFIER.test(name)) this.refuse(node, `identifier ${JSON.stringify(name)}`, 'it is not a plain identifier');
        if (CONTEXTUAL_RESERVED.has(name)) this.refuse(node, name, 'it is a reserved word in generators, async functions, strict code or modules');
        return name;
      }
      case 'ThisExpression':
        return 'this';
      case 'ParenthesizedExpression':
        return `(${this.expr(node.expression)})`;
      case 'Literal': {
        if (node.regex) this.refuse(node, 'regular expression literal', 'calls are refused, so a regular expression has no use in a probe');
        if (node.bigint !== undefined) {
          if (!/^[0-9]+$/.test(node.bigint)) this.refuse(node, 'bigint literal', 'it is not a decimal integer');
          return `${node.bigint}n`;
        }
        const v = node.value;
        if (v === null) return 'null';
        if (typeof v === 'string') return JSON.stringify(v);
        if (typeof v === 'number') return Number.isFinite(v) ? `(${String(v)})` : 'Infinity';
        if (typeof v === 'boolean') return v ? 'true' : 'false';
        return this.refuse(node, 'literal', 'this kind of literal is not supported');
      }
      case 'TemplateLiteral':
        return this.template(node);
      case 'ArrayExpression':
        return `[${node.elements.map((e) => (e === null ? '' : this.expr(e))).join(',')}]`;
      case 'ObjectExpression':
        return `({${node.properties.map((p) => this.property(p)).join(',')}})`;
      case 'MemberExpression': {
        if (node.object.type === 'Super') this.refuse(node.object, 'super', 'reading through super may run getters');
        if (node.property.type === 'PrivateIdentifier') {
          this.refuse(node.property, `private field #${node.property.name}`, 'a probe cannot read private fields');
        }
        const key = node.computed ? this.expr(node.property) : JSON.stringify((node.property as { name: string }).name);
        return `${H}.g(${this.expr(node.object)},${key}${node.optional ? ',1' : ''})`;
      }
      case 'ChainExpression':
        if (node.expression.type === 'CallExpression') {
          return this.refuse(node.expression, 'function call', 'a probe never runs program code (read a property or variable instead)');
        }
        return `${H}.ch(${this.expr(node.expression)})`;
      case 'UnaryExpression': {
        const arg = this.expr(node.argument);
        switch (node.operator) {
          case 'delete':
            return this.refuse(node, 'delete', 'it would change program state');
          case '!':
          case 'typeof':
          case 'void':
            return `(${node.operator} ${arg})`;
          default: // - + ~ coerce objects through valueOf
            return `(${node.operator}${H}.p(${arg}))`;
        }
      }
      case 'BinaryExpression': {
        if (node.left.type === 'PrivateIdentifier') this.refuse(node.left, `#${node.left.name} in`, 'a probe cannot inspect private fields');
        const l = this.expr(node.left);
        const r = this.expr(node.right);
        const op = node.operator;
        if (op === '===' || op === '!==') return `(${l}${op}${r})`;
        if (op === '==') return `${H}.eq(${l},${r})`;
        if (op === '!=') return `(!${H}.eq(${l},${r}))`;
        if (op === 'in') return `${H}.has(${l},${r})`;
        if (op === 'instanceof') return `${H}.inst(${l},${r})`;
        if (COERCING_BINARY.has(op)) return `(${H}.p(${l})${op}${H}.p(${r}))`;
        return this.refuse(node, `operator ${op}`, 'it is not supported in a probe');
      }
      case 'LogicalExpression':
        return `(${this.expr(node.left)}${node.operator}${this.expr(node.right)})`;
      case 'ConditionalExpression':
        return `(${this.expr(node.test)}?${this.expr(node.consequent)}:${this.expr(node.alternate)})`;
      case 'SequenceExpression':
        return `(${node.expressions.map((e) => this.expr(e)).join(',')})`;
      case 'AssignmentExpression':
        return this.refuse(node, `assignment (${node.operator})`, 'it would change program state');
      case 'UpdateExpression':
        return this.refuse(node, node.operator, 'it would change program state');
      case 'CallExpression':
      case 'NewExpression':
      case 'AwaitExpression':
      case 'YieldExpression':
      case 'TaggedTemplateExpression':
      case 'ImportExpression':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassExpression':
      case 'SpreadElement': {
        const [what, why] = REFUSED[node.type];
        return this.refuse(node, what, why);
      }
      case 'Super':
        return this.refuse(node, 'super', 'reading through super may run getters');
      case 'MetaProperty':
        return this.refuse(node, `${node.meta.name}.${node.property.name}`, 'it is not supported in a probe');
      case 'PrivateIdentifier':
        return this.refuse(node, `private name #${node.name}`, 'a probe cannot read private fields');
      default:
        return this.refuse(node, (node as Node).type, 'this construct is not supported in a probe');
    }
  }

  private template(node: TemplateLiteral): string {
    const pieces: string[] = [];
    node.quasis.forEach((q, i) => {
      if (q.value.cooked === null || q.value.cooked === undefined) this.refuse(q, 'template text', 'it has an invalid escape');
      pieces.push(JSON.stringify(q.value.cooked));
      const e = node.expressions[i];
      if (e !== undefined) pieces.push(`${H}.s(${this.expr(e)})`);
    });
    return `(${pieces.join('+')})`;
  }

  private property(p: Property | SpreadElement): string {
    if (p.type === 'SpreadElement') return this.refuse(p, 'spread (...)', 'it runs getters');
    if (p.kind !== 'init') this.refuse(p, `${p.kind}ter`, 'a probe cannot define code');
    if (p.method) this.refuse(p, 'method', 'a probe cannot define code');
    let key: string;
    if (p.computed) key = `${H}.p(${this.expr(p.key as Expression)})`;
    else if (p.key.type === 'Identifier') key = JSON.stringify(p.key.name);
    else if (p.key.type === 'Literal') key = JSON.stringify(String(p.key.value));
    else return this.refuse(p.key, 'property key', 'it is not supported in a probe');
    // Always a computed key, so "__proto__" defines a property instead of setting the prototype.
    return `[${key}]:${this.expr(p.value as Expression)}`;
  }
}
