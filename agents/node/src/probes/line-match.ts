// Where an editor's line is in the running file when the two texts differ:
// the running line whose text (and a little context around it) matches the
// editor's, moved to the next line with code as debuggers move breakpoints.
// Pure text work; the agent has the running file's text, the gateway never does.

export interface EditorLine {
  /** 1-based line in the editor's file. */
  line: number;
  /** That line's text as the editor has it. */
  text: string;
  /** The lines just before and after it, in file order. */
  before: string[];
  after: string[];
}

export type Placement =
  | { kind: 'same'; line: number }
  | { kind: 'moved'; line: number; message: string }
  | { kind: 'refused'; message: string };

const norm = (s: string): string => s.trim().replace(/\s+/g, ' ');

/** Whether a line holds code: not blank, not only a comment, not a lone closing bracket. */
export function hasCode(text: string): boolean {
  const t = text.trim();
  if (t === '' || t.startsWith('//') || t.startsWith('*') || t.startsWith('/*')) return false;
  return !/^[}\])]+[;,]?$/.test(t);
}

/** The first line at or after `line` (1-based) with code, or undefined past the end. */
export function nextCodeLine(lines: string[], line: number): number | undefined {
  for (let i = line - 1; i < lines.length; i++) if (hasCode(lines[i]!)) return i + 1;
  return undefined;
}

function contextScore(lines: string[], at: number, want: EditorLine): number {
  let score = 0;
  want.before.forEach((b, k) => { if (norm(lines[at - want.before.length + k] ?? '\u0000') === norm(b)) score++; });
  want.after.forEach((a, k) => { if (norm(lines[at + 1 + k] ?? '\u0000') === norm(a)) score++; });
  return score;
}

/** Where the editor's line goes in the running file's text. */
export function placeEditorLine(running: string, want: EditorLine): Placement {
  const lines = running.split(/\r?\n/);
  const wanted = norm(want.text);
  const same = lines[want.line - 1];
  let target: number | undefined;
  if (same !== undefined && norm(same) === wanted) target = want.line;
  else {
    const found = lines.flatMap((l, i) => (norm(l) === wanted ? [i] : []));
    if (found.length > 1) {
      // Several lines read the same: the context decides, if it decides alone.
      const scores = found.map((i) => contextScore(lines, i, want));
      const best = Math.max(...scores);
      const winners = found.filter((_, k) => scores[k] === best);
      if (winners.length === 1) target = winners[0]! + 1;
      else return { kind: 'refused', message: `the running code differs: ${winners.length} running lines read ${JSON.stringify(want.text.trim())} (lines ${winners.map((i) => i + 1).join(', ')}); save and redeploy, or target one service` };
    } else if (found.length === 1) target = found[0]! + 1;
  }
  if (target === undefined) {
    const reads = same === undefined ? `the running file has only ${lines.length} line${lines.length === 1 ? "" : "s"}` : `running line ${want.line} reads ${JSON.stringify(same.trim())}`;
    return { kind: 'refused', message: `the running code differs: no running line reads ${JSON.stringify(want.text.trim())}; ${reads}` };
  }
  const code = nextCodeLine(lines, target);
  if (code === undefined) return { kind: 'refused', message: `no code at or after running line ${target}` };
  if (code === want.line) return { kind: 'same', line: code };
  const why = target === want.line ? 'the next line with code' : 'the running code differs';
  return { kind: 'moved', line: code, message: `placed at running line ${code} (your line ${want.line}): ${why}` };
}
