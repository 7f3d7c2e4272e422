// Decides which file a workspace-relative path means in this process: a
// loaded script, or a file under the roots that has not loaded yet. A file on
// disk that matches more segments than the best loaded script wins (the
// loaded one is then probably a namesake, e.g. in node_modules).

import { findOnDisk, matchPath, matchPathUnder } from './path-match.js';

export type Resolution =
  | { kind: 'loaded'; path: string }
  | { kind: 'on-disk'; path: string }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'none' };

export function resolveFile(file: string, loaded: readonly string[], roots: readonly string[]): Resolution {
  const inMemory = matchPathUnder(file, loaded, roots);
  if (inMemory.kind === 'ambiguous') return { kind: 'ambiguous', candidates: inMemory.candidates };
  const onDisk = findOnDisk(file, roots);
  if (inMemory.kind === 'match') {
    if (onDisk.kind === 'match' && onDisk.path !== inMemory.path) {
      const disk = matchPath(file, [onDisk.path]);
      if (disk.kind === 'match' && disk.segments > inMemory.segments) return { kind: 'on-disk', path: onDisk.path };
    }
    return { kind: 'loaded', path: inMemory.path };
  }
  if (onDisk.kind === 'match') return { kind: 'on-disk', path: onDisk.path };
  if (onDisk.kind === 'ambiguous') return { kind: 'ambiguous', candidates: onDisk.candidates };
  return { kind: 'none' };
}
