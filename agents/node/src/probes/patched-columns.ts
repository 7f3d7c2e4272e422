// Columns in a hot-patched script. A patch inserts probe code within lines,
// never across them, so a frame in the patched code is on the line the user
// wrote but its column counts the inserted text; this maps it back. A frame
// inside inserted code (the probe's own call) is put at the statement the
// code stands before.

/** Text inserted at an offset of the original source. */
export interface InsertedText {
  offset: number;
  text: string;
}

/** A patched 1-based (line, column) to the original's 1-based column. */
export type ColumnMap = (line: number, column: number) => number;

const TERMINATORS = '\n\r\u2028\u2029';

/** The map for these insertions (sorted by offset), or undefined when there is nothing to map back (or a text spans lines). */
export function originalColumns(original: string, inserted: readonly InsertedText[]): ColumnMap | undefined {
  if (inserted.length === 0 || inserted.some((e) => [...TERMINATORS].some((t) => e.text.includes(t)))) return undefined;
  const byLine = new Map<number, { column: number; length: number }[]>();
  let line = 1;
  let lineStart = 0;
  let at = 0;
  for (const e of inserted) {
    for (; at < e.offset; at++) {
      const c = original[at]!;
      if (!TERMINATORS.includes(c) || (c === '\r' && original[at + 1] === '\n')) continue;
      line++;
      lineStart = at + 1;
    }
    const edits = byLine.get(line) ?? byLine.set(line, []).get(line)!;
    edits.push({ column: e.offset - lineStart, length: e.text.length });
  }
  return (line, column) => {
    const edits = byLine.get(line);
    if (edits === undefined) return column;
    const c = column - 1;
    let shift = 0;
    for (const e of edits) {
      const start = e.column + shift;
      if (c < start) break;
      if (c < start + e.length) return e.column + 1;
      shift += e.length;
    }
    return c - shift + 1;
  };
}

/** 0-based column of an offset in a source (V8's breakpoint columns). */
export function columnOf(source: string, offset: number): number {
  let i = offset;
  while (i > 0 && !TERMINATORS.includes(source[i - 1]!)) i--;
  return offset - i;
}
