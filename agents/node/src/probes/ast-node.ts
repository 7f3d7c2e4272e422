// An acorn node read generically (any field by name), and the test for one:
// the walks over a parsed script (statement sites, scopes, getters, function
// names) visit every field without a visitor per node type.
import type { Node } from 'acorn';

export type AnyNode = Node & Record<string, unknown>;

export function isNode(v: unknown): v is AnyNode {
  return typeof v === 'object' && v !== null && typeof (v as Node).type === 'string';
}
