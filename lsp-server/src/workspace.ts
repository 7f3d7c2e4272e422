// The workspace root, the mapping between document URIs and the paths actions
// carry (relative to the root, forward slashes), and the target config that
// narrows which agents the workspace's actions are for.
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { sonde } from '@sonde/protocol';
import { normalisePath } from '@sonde/client-core';
import type { TargetConfig } from './lsp-protocol.js';
import { ProjectNames } from './project-name.js';

export interface RootParams {
  rootUri?: string | null;
  rootPath?: string | null;
  workspaceFolders?: { uri: string }[] | null;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

export class Workspace {
  /** Absolute file-system path of the root, if the editor gave one. */
  readonly root: string | undefined;
  // The URI spelling an editor used for a path, so that what we send back
  // (diagnostics) names the document exactly as the editor knows it.
  private readonly editorUris = new Map<string, string>();
  private readonly projects = new ProjectNames();

  constructor(root: string | undefined) {
    this.root = root;
  }

  /** Root from the first workspace folder, else rootUri, else rootPath. */
  static fromInitialize(params: RootParams): Workspace {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    if (folder) {
      const path = uriToPath(folder);
      if (path) return new Workspace(path);
    }
    return new Workspace(params.rootPath ?? undefined);
  }

  /**
   * The path an action carries for a document: relative to the root when the
   * file is under it, else absolute (agents match paths by suffix, so an
   * absolute path still finds the file). Undefined for non-file URIs.
   */
  pathOf(uri: string): string | undefined {
    const abs = uriToPath(uri);
    if (!abs) return undefined;
    if (this.root && isUnder(this.root, abs)) return normalisePath(toPosix(relative(this.root, abs)));
    return toPosix(abs);
  }

  /** The project a document belongs to (project-name.ts); '' when none is named. */
  projectOf(uri: string): string {
    const abs = uriToPath(uri);
    return abs === undefined ? '' : this.projects.of(abs);
  }

  /** The document URI for a path an action carries. */
  uriOf(file: string): string {
    const path = normalisePath(file);
    const known = this.editorUris.get(path);
    if (known) return known;
    const abs = path.startsWith('/') || isAbsolute(path) || !this.root ? path : join(this.root, path);
    return pathToFileURL(abs).href;
  }

  /** Remembers how the editor spells a document's URI (call on didOpen). */
  remember(uri: string): void {
    const path = this.pathOf(uri);
    if (path !== undefined) this.editorUris.set(path, uri);
  }
}

/** True when `path` is inside the folder `root` (not the folder itself). */
export function isUnder(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export interface TargetResult {
  target: sonde.v1.ITarget | undefined;
  /** Where the target came from, for messages. */
  source: string | undefined;
  /** What was wrong with the config, if anything; the server warns and does not narrow. */
  problem: string | undefined;
}

/** Checks one target config; returns the protobuf Target or a message naming what is wrong. */
export function parseTarget(value: unknown, where: string): sonde.v1.ITarget | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${where} must be an object with appName, tags or agentIds`;
  const config = value as Record<string, unknown>;
  const known = ['appName', 'tags', 'agentIds'];
  const unknown = Object.keys(config).filter((k) => !known.includes(k));
  if (unknown.length > 0) return `${where} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; use ${known.join(', ')}`;
  const target: sonde.v1.ITarget = {};
  if (config.appName !== undefined) {
    if (typeof config.appName !== 'string') return `${where}.appName must be a string`;
    target.appName = config.appName;
  }
  for (const key of ['tags', 'agentIds'] as const) {
    const list = config[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((x): x is string => typeof x === 'string')) return `${where}.${key} must be an array of strings`;
    target[key] = list;
  }
  return target;
}

/**
 * The target the workspace's actions carry: `initializationOptions.target`
 * if given, else the `target` object of `.sonde.json` at the root, else none
 * (the gateway then picks every agent that can see the file).
 */
export function loadTarget(root: string | undefined, fromInit: TargetConfig | undefined): TargetResult {
  if (fromInit !== undefined) {
    const parsed = parseTarget(fromInit, 'initializationOptions.target');
    return typeof parsed === 'string'
      ? { target: undefined, source: 'initializationOptions.target', problem: parsed }
      : { target: parsed, source: 'initializationOptions.target', problem: undefined };
  }
  if (!root) return { target: undefined, source: undefined, problem: undefined };
  const file = join(root, '.sonde.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { target: undefined, source: undefined, problem: undefined };
    return { target: undefined, source: file, problem: `cannot read ${file}: ${(err as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { target: undefined, source: file, problem: `${file} is not JSON (${(err as Error).message}); fix it or remove it` };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { target: undefined, source: file, problem: `${file} must hold an object like {"target": {"appName": "shop", "tags": ["production"]}}` };
  }
  const config = (json as Record<string, unknown>).target;
  if (config === undefined) return { target: undefined, source: file, problem: undefined };
  const parsed = parseTarget(config, `${file}: target`);
  return typeof parsed === 'string' ? { target: undefined, source: file, problem: parsed } : { target: parsed, source: file, problem: undefined };
}
