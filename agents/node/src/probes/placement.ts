// Where a probe goes: which file a workspace-relative path means in this
// process (a loaded script, one built from it through a source map, or a
// file under the roots that has not loaded yet), putting it in the script's
// patcher (with a copy in every further script a source map names), and the
// answers to the gateway's file queries, which use the same rules.

import { describe, listSome } from './describe.js';
import { matchPathUnder } from './path-match.js';
import { resolveFile } from './resolve-file.js';
import type { Patchers } from './patchers.js';
import { askedLine, copyOf, ownerOf, type Probe } from './probe.js';
import type { ScriptInfo, ScriptRegistry } from './scripts.js';
import type { SourceMaps } from './source-maps.js';
import type { FileQueryAnswer, ReasonCode } from './types.js';

export type Placement =
  /** The loaded script that runs the file. */
  | { kind: 'script'; script: ScriptInfo }
  /** Scripts built from an original source (TypeScript, a bundle), by their maps. */
  | { kind: 'mapped'; sourcePath: string; scripts: ScriptInfo[] }
  /** The file exists under the roots but has not loaded: wait for it. */
  | { kind: 'pending'; path: string }
  | Refusal;

export interface Refusal {
  kind: 'refused';
  code: ReasonCode;
  reason: string;
}

type MappedSource = { kind: 'match'; path: string; scripts: ScriptInfo[] } | { kind: 'ambiguous'; candidates: string[] } | { kind: 'none' };

export class Placer {
  constructor(
    private readonly registry: ScriptRegistry,
    private readonly sourceMaps: SourceMaps,
    private readonly patchers: Patchers,
    readonly roots: readonly string[],
  ) {}

  place(file: string): Placement {
    const r = resolveFile(file, this.registry.paths(), this.roots);
    if (r.kind !== 'loaded') {
      // No loaded script has that path: perhaps one was built from it (TypeScript, a bundle).
      const mapped = this.mappedSource(file);
      if (mapped.kind === 'ambiguous') {
        return refused('ambiguous-path', `${file} matches several sources in source maps equally well: ${listSome(mapped.candidates)}; give more of the path`);
      }
      if (mapped.kind === 'match') return { kind: 'mapped', sourcePath: mapped.path, scripts: mapped.scripts };
    }
    if (r.kind === 'ambiguous') return refused('ambiguous-path', `${file} matches several files equally well: ${listSome(r.candidates)}; give more of the path`);
    if (r.kind === 'none') {
      return refused(
        'file-not-found',
        `${file} is not loaded in this process and was not found under ${this.roots.join(', ')}; ` +
          'check the path (relative to the workspace root) or start the agent with roots that contain it',
      );
    }
    const script = r.kind === 'loaded' ? this.registry.newest(r.path) : undefined;
    return script === undefined ? { kind: 'pending', path: r.path } : { kind: 'script', script };
  }

  /**
   * Installs a probe set on an original source in every script built from
   * it, on the line each one's map gives: the probe itself in the first,
   * copies sharing its slot in the others. Says why when no script has code there.
   */
  async installMapped(probe: Probe, scripts: readonly ScriptInfo[], sourcePath: string): Promise<Refusal | undefined> {
    const refusal = await this.installMappedSite(probe, scripts, sourcePath);
    if (refusal !== undefined || probe.end === undefined) return refusal;
    const endRefusal = await this.installMappedSite(probe.end, scripts, sourcePath);
    return endRefusal && { ...endRefusal, reason: `the end line: ${endRefusal.reason}` };
  }

  private async installMappedSite(probe: Probe, scripts: readonly ScriptInfo[], sourcePath: string): Promise<Refusal | undefined> {
    const line = askedLine(probe);
    const placed = scripts.flatMap((script) => {
      const pos = this.sourceMaps.generated(script, sourcePath, line);
      return pos === undefined ? [] : [{ script, pos }];
    });
    if (placed.length === 0) {
      const where = scripts.map((s) => s.path).join(', ');
      return refused('no-code-at-line', `line ${line} of ${sourcePath} has no code in ${where}, which runs it (by its source map); put the probe on a line with a statement`);
    }
    for (const [i, { script, pos }] of placed.entries()) {
      const target = i === 0 ? probe : copyOf(probe);
      target.line = pos.line;
      target.column = pos.column;
      target.origin = `${sourcePath}:${line}`;
      target.renames = this.sourceMaps.namedPositions(script, sourcePath);
      await this.install(target, script, false);
    }
    return undefined;
  }

  /** Stages the probe (and a tic-toc's end, unless a source map places it) in the script's patcher; it goes in with the others at the next Patchers.applyStaged(). */
  async install(probe: Probe, script: ScriptInfo, withEnd = true): Promise<void> {
    const patcher = await this.patchers.for(script);
    if (ownerOf(probe).removed) return;
    probe.path = script.path;
    probe.patcher = patcher;
    this.patchers.stage(patcher, probe);
    if (withEnd && probe.end !== undefined) await this.install(probe.end, script);
  }

  /** An original source's text as a script's map carries it, when one does. */
  mappedContent(scripts: readonly ScriptInfo[], sourcePath: string): string | undefined {
    for (const script of scripts) {
      const text = this.sourceMaps.sourceContent(script, sourcePath);
      if (text !== undefined) return text;
    }
    return undefined;
  }

  /** Original sources of loaded scripts' maps, by path (only read while probes wait). */
  sources(): Map<string, ScriptInfo[]> {
    return this.sourceMaps.sources(this.registry.scripts());
  }

  /** What this process can say about a path; a failure of the look-up itself is said as one, never as "unknown". */
  query(file: string): FileQueryAnswer {
    try {
      const r = resolveFile(file, this.registry.paths(), this.roots);
      if (r.kind === 'loaded') return { loadedPath: r.path };
      const mapped = this.mappedSource(file);
      if (mapped.kind === 'match') return { loadedPath: `${mapped.path} (in ${mapped.scripts.map((x) => x.path).join(', ')}, by its source map)` };
      if (mapped.kind === 'ambiguous') return { candidates: mapped.candidates };
      if (r.kind === 'on-disk') return { existingPath: r.path };
      if (r.kind === 'ambiguous') return { candidates: r.candidates };
      return {};
    } catch (err) {
      return { internalError: describe(err) };
    }
  }

  /** The original source a workspace path names, among the sources of loaded scripts' maps. */
  private mappedSource(file: string): MappedSource {
    const sources = this.sources();
    if (sources.size === 0) return { kind: 'none' };
    const m = matchPathUnder(file, sources.keys(), this.roots);
    if (m.kind === 'ambiguous') return { kind: 'ambiguous', candidates: m.candidates };
    if (m.kind !== 'match') return { kind: 'none' };
    return { kind: 'match', path: m.path, scripts: sources.get(m.path)! };
  }
}

export function refused(code: ReasonCode, reason: string): Refusal {
  return { kind: 'refused', code, reason };
}
