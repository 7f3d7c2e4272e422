// Maps a workspace-relative path (what the editor knows) onto absolute paths
// (what this process loaded or has on disk). The rule: the longest common
// suffix at path-segment boundaries wins; a tie among the best is an error
// that lists the candidates. Every Sonde agent follows it; its cases, as
// data, are protocol/conformance/path-match.json (test/probes/conformance.test.ts
// runs them here). Candidates are plain strings so that source-map sources
// are matched the same way.
//
// A workspace path with a `..` segment, once decoded, matches nothing: no
// editor sends one, and on disk it would climb out of the app's roots. The
// disk look-up answers only for files whose real path (symlinks followed) is
// under a root's real path, so that no answer tells which files exist
// elsewhere on the machine.

import { realpathSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export type MatchResult =
  | { kind: 'match'; path: string; segments: number }
  | { kind: 'ambiguous'; segments: number; candidates: string[] }
  | { kind: 'none' };

/**
 * The absolute path behind a script url, or undefined for what is not a file
 * on disk (node: internals, eval code, empty urls). ES modules and, on Node
 * 20.20, CommonJS modules report file:// urls; older Nodes gave CommonJS plain
 * absolute paths.
 */
export function urlToPath(url: string): string | undefined {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined; // a file: url for another host or malformed: not ours
    }
  }
  if (url.startsWith('/') || /^[A-Za-z]:[\\/]/.test(url)) return url;
  return undefined;
}

/** Path segments of a relative or absolute path, a file:// url or a percent-encoded path. */
export function segmentsOf(path: string): string[] {
  let p = path;
  if (p.startsWith('file://')) p = urlToPath(p) ?? p;
  else if (/%[0-9A-Fa-f]{2}/.test(p)) p = decoded(p);
  return p.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // not valid percent-encoding: the text is the name
  }
}

/**
 * A workspace path's segments, decoded as segmentsOf does; undefined when one
 * of them is `..`. A file:// URI is checked before URL parsing, which would
 * resolve its `%2e%2e` segments away.
 */
export function workspaceSegments(path: string): string[] | undefined {
  if (path.startsWith('file://') && decoded(path.slice('file://'.length)).split(/[\\/]+/).includes('..')) return undefined;
  const segments = segmentsOf(path);
  return segments.includes('..') ? undefined : segments;
}

/** How many trailing segments two segment lists share. */
function commonSuffix(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/**
 * matchPath, with one tie-break: of equally good candidates, those under the
 * app's roots win over the rest (a copy of the same package that the agent
 * itself, or another app on the machine, loaded from elsewhere).
 */
export function matchPathUnder(relPath: string, candidates: Iterable<string>, roots: readonly string[]): MatchResult {
  const m = matchPath(relPath, candidates);
  if (m.kind !== 'ambiguous') return m;
  const inside = m.candidates.filter((c) => roots.some((r) => c.startsWith(r.endsWith(sep) ? r : r + sep)));
  if (inside.length === 1) return { kind: 'match', path: inside[0]!, segments: m.segments };
  return inside.length > 1 ? { ...m, candidates: inside } : m;
}

/** Best candidate for relPath by longest common suffix; at least the file name must match. */
export function matchPath(relPath: string, candidates: Iterable<string>): MatchResult {
  const rel = workspaceSegments(relPath);
  if (rel === undefined || rel.length === 0) return { kind: 'none' };
  let best = 0;
  let bestPaths: string[] = [];
  for (const candidate of new Set(candidates)) {
    const n = commonSuffix(rel, segmentsOf(candidate));
    if (n === 0 || n < best) continue;
    if (n > best) {
      best = n;
      bestPaths = [candidate];
    } else {
      bestPaths.push(candidate);
    }
  }
  if (bestPaths.length === 0) return { kind: 'none' };
  if (bestPaths.length > 1) return { kind: 'ambiguous', segments: best, candidates: bestPaths.sort() };
  return { kind: 'match', path: bestPaths[0]!, segments: best };
}

function existingFile(path: string): string | undefined {
  try {
    // Node loads modules under their real path, so compare real paths.
    return statSync(path).isFile() ? realpathSync(path) : undefined;
  } catch {
    return undefined; // missing or unreadable: the same answer as missing
  }
}

/** Real paths of the roots that exist, each ending in a separator; the file system's root is none (it holds everything). */
function realRoots(roots: readonly string[]): string[] {
  const out: string[] = [];
  for (const root of roots) {
    let real: string;
    try {
      real = realpathSync(root);
    } catch {
      continue; // a root that does not exist holds nothing
    }
    if (dirname(real) !== real) out.push(real.endsWith(sep) ? real : real + sep);
  }
  return out;
}

/**
 * Finds relPath on disk under one of roots: tries root/relPath, then drops
 * leading segments one at a time (root/rest), longest rest first. Two
 * different files found with the same rest length are ambiguous. A file
 * whose real path is outside every root is not found.
 */
export function findOnDisk(relPath: string, roots: readonly string[]): MatchResult {
  const rel = workspaceSegments(relPath);
  if (rel === undefined) return { kind: 'none' };
  const inside = realRoots(roots);
  for (let drop = 0; drop < rel.length; drop++) {
    const rest = rel.slice(drop);
    const found = new Set<string>();
    for (const root of inside) {
      const hit = existingFile(join(root, ...rest));
      if (hit !== undefined && inside.some((r) => hit.startsWith(r))) found.add(hit);
    }
    if (found.size === 1) return { kind: 'match', path: [...found][0]!, segments: rest.length };
    if (found.size > 1) return { kind: 'ambiguous', segments: rest.length, candidates: [...found].sort() };
  }
  return { kind: 'none' };
}
