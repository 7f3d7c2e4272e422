// Stack frames as the user wrote the code: a frame in a script with a
// source map (TypeScript output, a bundle) is shown at its original file,
// line and column. Looked up during a hit, so each generated position is
// mapped once and remembered (bounded); frames of scripts without a map
// cost one look-up of their path. A frame in a hot-patched file is first put
// back at the column the user wrote (patched-columns.ts).

import type { ColumnMap } from './patched-columns.js';
import type { SourceMaps } from './source-maps.js';
import type { ScriptRegistry } from './scripts.js';
import type { StackFrame } from './stack.js';

let from: { registry: ScriptRegistry; maps: SourceMaps } | undefined;
/** Mapped positions per file, keyed by line and column as one number: a string key built per frame per hit cost more than the look-up. */
const known = new Map<string, Map<number, StackFrame | null>>();
let knownCount = 0;
const MAX_KNOWN = 10_000;
/** key = line × 2³² + column is exact below 2²¹ lines; a frame further down is mapped each time, not remembered. */
const COLUMNS = 2 ** 32;
const MAX_LINE = 2 ** 21;

/** Hot-patched files: their frames' columns count our inserted code until mapped back. */
const patched = new Map<string, ColumnMap>();

/** A file's source was replaced: `columns` maps its frames' columns back (undefined: the original is back). */
export function notePatched(path: string, columns: ColumnMap | undefined): void {
  if (columns === undefined) patched.delete(path);
  else patched.set(path, columns);
  knownCount -= known.get(path)?.size ?? 0;
  known.delete(path);
}

/** Where frames are mapped from: the engine's scripts and their maps (the last engine started, in a process with several). */
export function mapFramesWith(registry: ScriptRegistry | undefined, maps?: SourceMaps): void {
  from = registry === undefined || maps === undefined ? undefined : { registry, maps };
  known.clear();
  knownCount = 0;
}

/** The frame at its original place, when its script has a source map that covers it; else the frame as it is. */
export function originalFrame(frame: StackFrame): StackFrame {
  if (from === undefined) return unpatched(frame);
  if (frame.line >= MAX_LINE) return lookUp(frame) ?? frame;
  if (knownCount >= MAX_KNOWN) {
    known.clear();
    knownCount = 0;
  }
  let inFile = known.get(frame.file);
  if (inFile === undefined) known.set(frame.file, (inFile = new Map()));
  const key = frame.line * COLUMNS + frame.column;
  let mapped = inFile.get(key);
  if (mapped === undefined) {
    mapped = lookUp(frame) ?? null;
    inFile.set(key, mapped);
    knownCount++;
  }
  return mapped === null ? frame : { ...mapped, function: frame.function };
}

function lookUp(given: StackFrame): StackFrame | undefined {
  const frame = unpatched(given);
  try {
    const script = from!.registry.newest(frame.file);
    if (script?.sourceMapURL === undefined) return frame === given ? undefined : frame;
    const pos = from!.maps.original(script, frame.line, Math.max(0, frame.column - 1));
    return pos === undefined ? frame : { function: frame.function, file: pos.path, line: pos.line, column: pos.column + 1 };
  } catch {
    return frame; // a map that cannot be read leaves the frame as V8 gave it
  }
}

/** The frame at the column the user wrote, when its file is hot-patched. */
function unpatched(frame: StackFrame): StackFrame {
  const columns = patched.get(frame.file);
  if (columns === undefined) return frame;
  const column = columns(frame.line, frame.column);
  return column === frame.column ? frame : { ...frame, column };
}
