// Source maps of loaded scripts: which original files (TypeScript, or the
// sources of a bundle) each script was built from, and where an original
// line landed in the generated code. Maps are read only when a probe names a
// file that no loaded script has by its own path, then cached per script.
// Inline (data:) maps and map files are both read; `sourceRoot` is honoured
// by trace-mapping when it resolves the sources against the map's URL.

import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eachMapping, generatedPositionFor, LEAST_UPPER_BOUND, originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { urlToPath } from './path-match.js';
import type { ScriptInfo } from './scripts.js';

/** Larger maps are skipped: reading them would stall the host for too long. */
const MAX_MAP_BYTES = 16 * 1024 * 1024;

interface LoadedMap {
  map: TraceMap;
  /** Absolute paths of the sources, by index in map.sources (undefined: not a file). */
  paths: (string | undefined)[];
}

/** An identifier a bundler or compiler renamed: its original name, and where the generated one starts (1-based line, 0-based column). */
export interface NamedPosition {
  name: string;
  line: number;
  column: number;
}

export interface GeneratedPosition {
  /** 1-based line in the generated script. */
  line: number;
  /** 0-based column. */
  column: number;
}

export class SourceMaps {
  private readonly byScript = new Map<string, LoadedMap | null>();
  /** Named positions per script and source: a bundle's map is walked once, not once per probe placed in it. */
  private readonly named = new Map<string, NamedPosition[]>();

  /**
   * Original source path → the scripts built from it, over every given script
   * that has a map. One source can run in several scripts (a package's ESM and
   * CommonJS builds, loaded by different importers).
   */
  sources(scripts: Iterable<ScriptInfo>): Map<string, ScriptInfo[]> {
    const out = new Map<string, ScriptInfo[]>();
    for (const script of scripts) {
      if (!script.sourceMapURL) continue;
      for (const path of this.load(script)?.paths ?? []) {
        if (path === undefined || path === script.path) continue;
        const list = out.get(path);
        if (list === undefined) out.set(path, [script]);
        else list.push(script);
      }
    }
    return out;
  }

  /** Where the first code of an original line landed in the script, or undefined when nothing of that line is there. */
  generated(script: ScriptInfo, sourcePath: string, line: number): GeneratedPosition | undefined {
    const loaded = this.load(script);
    if (!loaded) return undefined;
    const index = loaded.paths.indexOf(sourcePath);
    if (index < 0) return undefined;
    const source = loaded.map.resolvedSources[index] ?? loaded.map.sources[index] ?? '';
    const pos = generatedPositionFor(loaded.map, { source, line, column: 0, bias: LEAST_UPPER_BOUND });
    return pos.line === null ? undefined : { line: pos.line, column: pos.column };
  }

  /** The original source's text as the map carries it (`sourcesContent`), or undefined when it does not. */
  sourceContent(script: ScriptInfo, sourcePath: string): string | undefined {
    const loaded = this.load(script);
    const index = loaded?.paths.indexOf(sourcePath) ?? -1;
    if (!loaded || index < 0) return undefined;
    return loaded.map.sourcesContent?.[index] ?? undefined;
  }

  /** The named positions of the map that come from one original source (what `names` says each generated identifier was called). */
  namedPositions(script: ScriptInfo, sourcePath: string): NamedPosition[] {
    const key = `${script.scriptId}\0${sourcePath}`;
    let known = this.named.get(key);
    if (known === undefined) this.named.set(key, (known = this.walkNames(script, sourcePath)));
    return known;
  }

  private walkNames(script: ScriptInfo, sourcePath: string): NamedPosition[] {
    const loaded = this.load(script);
    if (!loaded) return [];
    const index = loaded.paths.indexOf(sourcePath);
    if (index < 0) return [];
    const source = loaded.map.resolvedSources[index];
    const out: NamedPosition[] = [];
    eachMapping(loaded.map, (m) => {
      if (m.name !== null && m.source === source) out.push({ name: m.name, line: m.generatedLine, column: m.generatedColumn });
    });
    return out;
  }

  /** The original place of a position in the script (1-based line, 0-based column), or undefined when the map says nothing of it. */
  original(script: ScriptInfo, line: number, column: number): { path: string; line: number; column: number } | undefined {
    const loaded = this.load(script);
    if (!loaded) return undefined;
    const pos = originalPositionFor(loaded.map, { line, column });
    if (pos.source === null || pos.line === null) return undefined;
    const index = loaded.map.resolvedSources.indexOf(pos.source);
    const path = loaded.paths[index] ?? urlToPath(pos.source);
    return path === undefined ? undefined : { path, line: pos.line, column: pos.column };
  }

  private load(script: ScriptInfo): LoadedMap | null {
    const known = this.byScript.get(script.scriptId);
    if (known !== undefined) return known;
    let loaded: LoadedMap | null = null;
    try {
      loaded = readMap(script);
    } catch {
      loaded = null; // an unreadable map is the same as none
    }
    this.byScript.set(script.scriptId, loaded);
    return loaded;
  }
}

function readMap(script: ScriptInfo): LoadedMap | null {
  const ref = script.sourceMapURL ?? '';
  let text: string;
  let mapUrl: string;
  if (ref.startsWith('data:')) {
    const comma = ref.indexOf(',');
    if (comma < 0) return null;
    const meta = ref.slice(5, comma);
    const data = ref.slice(comma + 1);
    text = meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
    mapUrl = script.url;
  } else {
    const url = new URL(ref, scriptUrl(script));
    if (url.protocol !== 'file:') return null;
    const file = fileURLToPath(url);
    if (statSync(file).size > MAX_MAP_BYTES) return null;
    text = readFileSync(file, 'utf8');
    mapUrl = url.href;
  }
  const map = new TraceMap(text, mapUrl);
  return { map, paths: map.resolvedSources.map((s) => (s == null ? undefined : urlToPath(s))) };
}

function scriptUrl(script: ScriptInfo): string {
  return script.url.startsWith('file:') ? script.url : new URL(`file://${script.path}`).href;
}
