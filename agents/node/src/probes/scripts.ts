// What the inspector has told us about loaded scripts. Fed by
// Debugger.scriptParsed, which on a same-thread session fires synchronously
// while a module is being compiled: the handler only records and never does
// real work. Only scripts backed by a file count (file:// urls and absolute
// paths); node: internals and eval code are ignored.
//
// A path can be compiled more than once (Node 20 compiles a CommonJS file
// twice when it is import()ed); the newest script is the one that runs.

import { urlToPath } from './path-match.js';

export interface ScriptInfo {
  scriptId: string;
  /** Exactly as the inspector reported it (breakpoints by url need it). */
  url: string;
  /** Absolute path on disk. */
  path: string;
  isModule: boolean;
}

export interface ScriptParsedParams {
  scriptId: string;
  url: string;
  isModule?: boolean;
}

export class ScriptRegistry {
  private readonly byId = new Map<string, ScriptInfo>();
  private readonly newestByPath = new Map<string, ScriptInfo>();
  private fresh: string[] = [];

  /** @param exclude paths never offered to users (the agent's own code). */
  constructor(private readonly exclude: (path: string) => boolean = () => false) {}

  /** Records a parsed script; returns it when it is a user-visible file. */
  add(params: ScriptParsedParams): ScriptInfo | undefined {
    const path = urlToPath(params.url);
    if (path === undefined || this.exclude(path)) return undefined;
    const info: ScriptInfo = { scriptId: params.scriptId, url: params.url, path, isModule: params.isModule === true };
    this.byId.set(info.scriptId, info);
    if (!this.newestByPath.has(path)) this.fresh.push(path);
    this.newestByPath.set(path, info);
    return info;
  }

  get(scriptId: string): ScriptInfo | undefined {
    return this.byId.get(scriptId);
  }

  newest(path: string): ScriptInfo | undefined {
    return this.newestByPath.get(path);
  }

  paths(): string[] {
    return [...this.newestByPath.keys()];
  }

  /** Paths first seen since the last call. */
  takeFresh(): string[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}
