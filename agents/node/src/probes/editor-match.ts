// Whether the file a process runs is the editor's, at an action's line:
// the same content (SHA-256), or the line found where it is, elsewhere, or
// nowhere (line-match.ts). The gateway asks before it sends an action, so
// that an action goes to the services that run the editor's code. Read from
// V8's own copy of the script: what runs, not what is on disk now.

import { createHash } from 'node:crypto';
import { placeEditorLine, type EditorLine } from './line-match.js';
import { describe } from './describe.js';
import type { Patchers } from './patchers.js';
import type { Placer } from './placement.js';
import type { ScriptInfo, ScriptRegistry } from './scripts.js';

export type LineMatch = 'unknown' | 'same' | 'moved' | 'differs';

export interface EditorComparison {
  sameContent: boolean;
  match: LineMatch;
  /** For moved and differs: what the probe's state would say. */
  reason: string;
}

export const NOT_COMPARED: EditorComparison = { sameContent: false, match: 'unknown', reason: '' };

/** Hashes of scripts already read, by script id: a script's source never changes under its id but by our own patches. */
const HASHES = new Map<string, string>();
const MAX_HASHES = 2_000;

/** The comparison for a workspace path: the script that runs for it, read without our probes; unknown when it cannot say. */
export async function compareFileWithEditor(
  deps: { placer: Placer; registry: ScriptRegistry; patchers: Patchers; log: (message: string) => void },
  file: string,
  editorHash: string,
  line: EditorLine | undefined,
): Promise<EditorComparison> {
  try {
    const loaded = deps.placer.query(file).loadedPath;
    // A path that runs through a source map has no running text of its own to compare.
    const script = loaded === undefined || loaded.includes(' (in ') ? undefined : deps.registry.newest(loaded);
    return await compareWithEditor(script, (s) => deps.patchers.originalSource(s), editorHash, line);
  } catch (err) {
    deps.log(`could not compare ${file} with the editor's copy: ${describe(err)}`);
    return NOT_COMPARED;
  }
}

export async function compareWithEditor(
  script: ScriptInfo | undefined,
  source: (script: ScriptInfo) => Promise<string>,
  editorHash: string,
  line: EditorLine | undefined,
): Promise<EditorComparison> {
  if (script === undefined || (editorHash === '' && line === undefined)) return NOT_COMPARED;
  const text = await source(script);
  let hash = HASHES.get(script.scriptId);
  if (hash === undefined) {
    hash = createHash('sha256').update(text).digest('hex');
    if (HASHES.size >= MAX_HASHES) HASHES.clear();
    HASHES.set(script.scriptId, hash);
  }
  const sameContent = editorHash !== '' && editorHash.toLowerCase() === hash;
  if (line === undefined) return { sameContent, match: 'unknown', reason: '' };
  const found = placeEditorLine(text, line);
  if (found.kind === 'same') return { sameContent, match: 'same', reason: '' };
  return { sameContent, match: found.kind === 'moved' ? 'moved' : 'differs', reason: found.message };
}
