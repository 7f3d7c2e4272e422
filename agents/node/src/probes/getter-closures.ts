// The outer variables a getter reads (Koa's delegating getters read
// `this[target][name]`), looked up once per getter function through the
// inspector: the function's [[Scopes]] say where each name lives and what it
// holds. A value is taken only when no code in the getter's script ever
// assigns that name after declaring it, so the copy the agent keeps cannot
// go stale; anything else is refused with the reason.
//
// This runs during a probe hit, inside the program: every request is
// answered synchronously (InspectorClient.postSync), and each getter is
// looked up once, whatever the number of hits.

import { parse, type Node } from 'acorn';
import { isNode, type AnyNode } from './ast-node.js';

/** What this module needs from the engine's inspector session (Debugger enabled, for script sources). */
export interface SyncInspector {
  postSync<T>(method: string, params?: object): T;
}

let inspector: SyncInspector | undefined;

/** The engine's session, while it runs; undefined when it stops. */
export function setClosureInspector(client: SyncInspector | undefined): void {
  inspector = client;
  assignedByScript.clear();
}

export type ClosureLookup =
  | { ok: true; values: unknown[]; globals: Set<string> }
  /** `retry`: a passing condition (the debugger not enabled yet): judge again at a later hit. */
  | { ok: false; why: string; retry?: boolean };

interface RemoteObject {
  type?: string;
  value?: unknown;
  unserializableValue?: string;
  objectId?: string;
  description?: string;
}
interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
}
interface Properties {
  result: PropertyDescriptor[];
  internalProperties?: PropertyDescriptor[];
}

const STASH = '__sonde$stash';
const GROUP = 'sonde-getter-closures';
/** Sources this long are not parsed during a hit (a bundle: its getters stay unread). */
const MAX_SCRIPT_CHARS = 500_000;
/** Scripts whose assigned names are kept (a getter's script is parsed once). */
const MAX_SCRIPTS = 64;

const assignedByScript = new Map<string, Set<string> | string>();

/** Where `names` live for `fn` and their values: closure and module names as they are now, global names to be read at each hit. */
export function closureValues(fn: Function, names: readonly string[]): ClosureLookup {
  const client = inspector;
  if (client === undefined) return { ok: false, why: `reads ${names[0]}, an outer name, and the agent's inspector is not running` };
  try {
    return lookUp(client, fn, names);
  } catch (err) {
    return { ok: false, why: `its outer names could not be read (${err instanceof Error ? err.message : String(err)})`, retry: true };
  } finally {
    try {
      client.postSync('Runtime.releaseObjectGroup', { objectGroup: GROUP });
      (globalThis as Record<string, unknown>)[STASH] = undefined;
    } catch {
      // the group goes when the session does
    }
  }
}

function lookUp(client: SyncInspector, fn: Function, names: readonly string[]): ClosureLookup {
  const fnId = remoteId(client, fn);
  const own = client.postSync<Properties>('Runtime.getProperties', { objectId: fnId, ownProperties: true });
  const location = own.internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value as { scriptId?: string } | undefined;
  const scopesId = own.internalProperties?.find((p) => p.name === '[[Scopes]]')?.value?.objectId;
  if (scopesId === undefined || location?.scriptId === undefined) return { ok: false, why: 'its scopes are not visible to the inspector' };
  const scopes = client.postSync<Properties>('Runtime.getProperties', { objectId: scopesId, ownProperties: true }).result.filter((s) => /^\d+$/.test(s.name));
  const lists = new Map<number, PropertyDescriptor[]>();
  const values: unknown[] = [];
  const globals = new Set<string>();
  for (const name of names) {
    let found = false;
    for (let i = 0; i < scopes.length && !found; i++) {
      const scope = scopes[i]!.value;
      const kind = scope?.description?.split(' ')[0] ?? '';
      if (kind === 'Global') {
        globals.add(name);
        values.push(undefined);
        found = true;
        break;
      }
      if (scope?.objectId === undefined) continue;
      let list = lists.get(i);
      if (list === undefined) lists.set(i, (list = client.postSync<Properties>('Runtime.getProperties', { objectId: scope.objectId, ownProperties: true }).result));
      const variable = list.find((v) => v.name === name);
      if (variable === undefined) continue;
      // A top-level let of another classic script: which script could assign it is unknown.
      if (kind === 'Script') return { ok: false, why: `reads ${name}, a top-level name of some script` };
      const assigned = assignedNames(client, location.scriptId);
      if (typeof assigned === 'string') return { ok: false, why: assigned };
      if (assigned.has(name)) return { ok: false, why: `reads ${name}, an outer variable its code assigns` };
      values.push(localValue(client, variable.value));
      found = true;
    }
    if (!found) return { ok: false, why: `reads ${name}, which no scope of it holds` };
  }
  return { ok: true, values, globals };
}

/** An inspector handle on a value of this process. */
function remoteId(client: SyncInspector, value: unknown): string {
  const g = globalThis as Record<string, unknown>;
  if (!Object.hasOwn(g, STASH)) Object.defineProperty(g, STASH, { value: undefined, writable: true, enumerable: false, configurable: true });
  g[STASH] = value;
  const { result } = client.postSync<{ result: RemoteObject }>('Runtime.evaluate', { expression: `globalThis.${STASH}`, objectGroup: GROUP, silent: true });
  if (result.objectId === undefined) throw new Error('the inspector gave no handle on the getter');
  return result.objectId;
}

/** The value an inspector handle stands for, back in this process. */
function localValue(client: SyncInspector, remote: RemoteObject | undefined): unknown {
  if (remote === undefined || remote.type === 'undefined') return undefined;
  if (Object.hasOwn(remote, 'value')) return remote.value;
  const u = remote.unserializableValue;
  if (u !== undefined) return u.endsWith('n') ? BigInt(u.slice(0, -1)) : u === '-0' ? -0 : Number(u);
  if (remote.objectId === undefined) throw new Error(`the inspector gave a ${remote.type ?? 'value'} without a handle`);
  // Strict, so that a symbol stays a symbol; STASH is the agent's own data property, so the write runs no program code.
  client.postSync('Runtime.callFunctionOn', { objectId: remote.objectId, functionDeclaration: `function () { 'use strict'; globalThis.${STASH} = this; }`, silent: true });
  return (globalThis as Record<string, unknown>)[STASH];
}

/** Every name the script's code assigns (=, ++, a for-in/of head), or why the script was not read. */
function assignedNames(client: SyncInspector, scriptId: string): Set<string> | string {
  const known = assignedByScript.get(scriptId);
  if (known !== undefined) return known;
  const { scriptSource } = client.postSync<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId });
  let out: Set<string> | string;
  if (scriptSource.length > MAX_SCRIPT_CHARS) out = `its script is ${scriptSource.length} characters, too long to check during a hit`;
  else {
    const program = parseAny(scriptSource);
    out = program === undefined ? 'its script does not parse' : assignmentsIn(program);
  }
  if (assignedByScript.size >= MAX_SCRIPTS) assignedByScript.delete(assignedByScript.keys().next().value!);
  assignedByScript.set(scriptId, out);
  return out;
}

function parseAny(source: string): Node | undefined {
  for (const sourceType of ['script', 'module'] as const) {
    try {
      return parse(source, { ecmaVersion: 'latest', sourceType, allowHashBang: true, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true });
    } catch {
      // try the other
    }
  }
  return undefined;
}

/** Identifiers a target writes: `a`, `{ b: c }`, `[d, ...e]`, `f = 1`; member targets write no name. */
function targets(p: unknown, out: Set<string>): void {
  if (!isNode(p)) return;
  if (p.type === 'Identifier') out.add(p['name'] as string);
  else if (p.type === 'AssignmentPattern') targets(p['left'], out);
  else if (p.type === 'RestElement') targets(p['argument'], out);
  else if (p.type === 'ArrayPattern') for (const e of p['elements'] as unknown[]) targets(e, out);
  else if (p.type === 'ObjectPattern') for (const prop of p['properties'] as AnyNode[]) targets(prop.type === 'RestElement' ? prop : prop['value'], out);
  else if (p.type === 'VariableDeclaration' && p['kind'] === 'var') for (const d of p['declarations'] as AnyNode[]) targets(d['id'], out);
}

function assignmentsIn(program: Node): Set<string> {
  const out = new Set<string>();
  const stack: unknown[] = [program];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isNode(node)) continue;
    if (node.type === 'AssignmentExpression') targets(node['left'], out);
    else if (node.type === 'UpdateExpression') targets(node['argument'], out);
    // A var (or bare name) in a for-in/of head is assigned on every turn; let and const get a new binding per turn.
    else if (node.type === 'ForInStatement' || node.type === 'ForOfStatement') targets(node['left'], out);
    for (const key of Object.keys(node)) {
      if (key === 'loc') continue;
      const v = node[key];
      if (Array.isArray(v)) stack.push(...v);
      else if (isNode(v)) stack.push(v);
    }
  }
  return out;
}
