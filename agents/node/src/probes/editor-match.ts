// Whether the file a process runs is the editor's, at an action's line:
// the same content (SHA-256), or the line found where it is, elsewhere, or
// nowhere (line-match.ts). The gateway asks before it sends an action, so
// that an action goes to the services that run the editor's code. Read from
// V8's own copy of the script (what runs, not what is on disk now), from a
// source map's sourcesContent, or for a file not loaded yet from disk.

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { placeEditorLine, type EditorLine } from './line-match.js';
import { describe } from './describe.js';
import type { Patchers } from './patchers.js';
import type { Placer } from './placement.js';

export type LineMatch = 'unknown' | 'same' | 'moved' | 'differs';

export interface EditorComparison {
  sameContent: boolean;
  match: LineMatch;
  /** For moved and differs: what the probe's state would say. */
  reason: string;
}

const NOT_COMPARED: EditorComparison = { sameContent: false, match: 'unknown', reason: '' };

/** Hashes of running texts already read, by RunningText.key. */
const HASHES = new Map<string, string>();
const MAX_HASHES = 2_000;

/** What the comparison reads: the placer (which file runs for a path), our patchers (a script's text without our probes). */
export interface EditorMatchDeps {
  placer: Placer;
  patchers: Patchers;
  log: (message: string) => void;
}

/** Files on disk larger than this are not read to compare (a generated bundle, a data file). */
const MAX_DISK_BYTES = 4 * 1024 * 1024;

/**
 * The comparison for a workspace path: with the script that runs for it (read
 * without our probes), the original source its map carries (sourcesContent),
 * or the file on disk that will run when it loads; unknown when none says.
 */
export async function compareFileWithEditor(deps: EditorMatchDeps, file: string, editorHash: string, line: EditorLine | undefined): Promise<EditorComparison> {
  if (editorHash === '' && line === undefined) return NOT_COMPARED;
  try {
    const running = await runningText(deps, file);
    return running === undefined ? NOT_COMPARED : compareText(running, editorHash, line);
  } catch (err) {
    deps.log(`could not compare ${file} with the editor's copy: ${describe(err)}`);
    return NOT_COMPARED;
  }
}

interface RunningText {
  text: string;
  /** Caches the hash under this key (a script's text never changes under its id but by our own patches). */
  key?: string;
}

async function runningText(deps: EditorMatchDeps, file: string): Promise<RunningText | undefined> {
  const where = deps.placer.place(file);
  switch (where.kind) {
    case 'script':
      return { text: await deps.patchers.originalSource(where.script), key: where.script.scriptId };
    case 'mapped': {
      const text = deps.placer.mappedContent(where.scripts, where.sourcePath);
      return text === undefined ? undefined : { text, key: `${where.scripts[0]!.scriptId}\0${where.sourcePath}` };
    }
    case 'pending': {
      const { size, mtimeMs } = await stat(where.path);
      if (size > MAX_DISK_BYTES) return undefined;
      // Node strips a byte-order mark before it compiles; so does every editor's buffer. The key hashes the file once per version.
      return { text: (await readFile(where.path, 'utf8')).replace(/^\uFEFF/, ''), key: `${where.path}\0${mtimeMs}\0${size}` };
    }
    default:
      return undefined;
  }
}

/** The comparison of a running text with the editor's hash and line. */
function compareText(running: RunningText, editorHash: string, line: EditorLine | undefined): EditorComparison {
  const { text, key } = running;
  let hash = key === undefined ? undefined : HASHES.get(key);
  if (hash === undefined) {
    hash = createHash('sha256').update(text).digest('hex');
    if (key !== undefined) {
      if (HASHES.size >= MAX_HASHES) HASHES.clear();
      HASHES.set(key, hash);
    }
  }
  const sameContent = editorHash !== '' && editorHash.toLowerCase() === hash;
  if (line === undefined) return { sameContent, match: 'unknown', reason: '' };
  const found = placeEditorLine(text, line);
  if (found.kind === 'same') return { sameContent, match: 'same', reason: '' };
  return { sameContent, match: found.kind === 'moved' ? 'moved' : 'differs', reason: found.message };
}
