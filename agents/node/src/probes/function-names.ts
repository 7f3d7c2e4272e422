// The names of the functions around a place in a script, innermost first,
// as an operator writes them in the policy's function blocklist: a
// function's own name (`function charge`, `const charge = () => …`,
// `obj.charge = function …`, a method `charge() {}`), and a method also as
// `Class.method`. Walks only the nodes that contain the place.
import type { Program } from 'acorn';
import { isNode, type AnyNode } from './ast-node.js';

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** An identifier's or a literal key's name. */
function keyName(key: unknown): string | undefined {
  if (!isNode(key)) return undefined;
  if (key.type === 'Identifier' || key.type === 'PrivateIdentifier') return key['name'] as string;
  if (key.type === 'Literal' && typeof key['value'] === 'string') return key['value'];
  return undefined;
}

/** What the function is called where it is defined: its own id, or the name of what holds it. */
function nameOf(fn: AnyNode, parent: AnyNode | undefined): string | undefined {
  const own = keyName(fn['id']);
  if (own !== undefined) return own;
  if (parent === undefined) return undefined;
  switch (parent.type) {
    case 'VariableDeclarator':
      return keyName(parent['id']);
    case 'MethodDefinition':
    case 'Property':
    case 'PropertyDefinition':
      return keyName(parent['key']);
    case 'AssignmentExpression': {
      const left = parent['left'];
      if (!isNode(left)) return undefined;
      return left.type === 'MemberExpression' ? keyName(left['property']) : keyName(left);
    }
    default:
      return undefined;
  }
}

export function functionNamesAt(program: Program, offset: number): string[] {
  const names: string[] = [];
  let className: string | undefined;
  const visit = (node: AnyNode, parent: AnyNode | undefined): void => {
    if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') className = keyName(node['id']) ?? (parent?.type === 'VariableDeclarator' ? keyName(parent['id']) : undefined);
    if (FUNCTIONS.has(node.type)) {
      const name = nameOf(node, parent);
      if (name !== undefined) {
        const inClass = className !== undefined && (parent?.type === 'MethodDefinition' || parent?.type === 'PropertyDefinition');
        names.unshift(...(inClass ? [`${className}.${name}`, name] : [name]));
      }
    }
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'type' || key === 'start' || key === 'end') continue;
      const value = node[key];
      for (const child of Array.isArray(value) ? value : [value]) {
        if (isNode(child) && child.start <= offset && offset < child.end) visit(child, node);
      }
    }
  };
  visit(program as unknown as AnyNode, undefined);
  return names;
}
