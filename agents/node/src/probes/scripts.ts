// What the inspector has told us about loaded scripts. Fed by
// Debugger.scriptParsed, which on a same-thread session fires synchronously
// while a module is being compiled: the handler only records and never does
// real work. Only scripts backed by a file count (file:// urls and absolute
// paths); node: internals and eval code are ignored.
//
// A path can be compiled more than once (Node 20 compiles a CommonJS file
// twice when an untyped package's .js file is import()ed); the newest script
// is the one that runs. Scripts that may be V8's live-edit leftovers (see
// script-ledger.ts) only count when nothing better is known.

import { urlToPath } from './path-match.js';
import { isTrusted, noteScript } from './script-ledger.js';

export interface ScriptInfo {
  scriptId: string;
  /** Exactly as the inspector reported it (breakpoints by url need it). */
  url: string;
  /** Absolute path on disk. */
  path: string;
  isModule: boolean;
  /** The script's `//# sourceMappingURL`, as V8 read it (a data: URL or relative to the script). */
  sourceMapURL?: string;
}

export interface ScriptParsedParams {
  scriptId: string;
  url: string;
  isModule?: boolean;
  sourceMapURL?: string;
}

export class ScriptRegistry {
  private readonly byPath = new Map<string, ScriptInfo[]>();
  private fresh: string[] = [];
  /** True while Debugger.enable replays the scripts that were already loaded. */
  replaying = false;

  /** @param exclude paths never offered to users (the agent's own code). */
  constructor(private readonly exclude: (path: string) => boolean = () => false) {}

  /** Records a parsed script; returns it when it is a user-visible file. */
  add(params: ScriptParsedParams): ScriptInfo | undefined {
    const path = urlToPath(params.url);
    if (path === undefined || this.exclude(path)) return undefined;
    const info: ScriptInfo = { scriptId: params.scriptId, url: params.url, path, isModule: params.isModule === true, sourceMapURL: params.sourceMapURL || undefined };
    noteScript(info.scriptId, info.url, this.replaying);
    const known = this.byPath.get(path);
    if (known === undefined) {
      this.byPath.set(path, [info]);
      this.fresh.push(path);
    } else {
      known.push(info);
    }
    return info;
  }

  /** The script that runs for a path: the newest trusted one, else the newest. */
  newest(path: string): ScriptInfo | undefined {
    const all = this.byPath.get(path);
    if (all === undefined) return undefined;
    const byId = (a: ScriptInfo, b: ScriptInfo) => Number(b.scriptId) - Number(a.scriptId);
    const trusted = all.filter((s) => isTrusted(s.scriptId)).sort(byId);
    return trusted[0] ?? [...all].sort(byId)[0];
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  /** The script that runs for each loaded path. */
  *scripts(): Iterable<ScriptInfo> {
    for (const path of this.byPath.keys()) {
      const script = this.newest(path);
      if (script !== undefined) yield script;
    }
  }

  /** Paths first seen since the last call. */
  takeFresh(): string[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}
