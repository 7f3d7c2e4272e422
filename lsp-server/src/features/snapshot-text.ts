// A captured snapshot as text: the markdown tree a hover shows (frames, then
// each variable with its type and value, nested), and the short `name = value`
// an inlay hint shows. Both bounded, since a snapshot can hold thousands of
// values and an editor renders every character it is sent.
import { truncate, type CapturedSnapshot, type SnapshotVariable } from '@sonde/client-core';

/** Characters of one hover's snapshot tree. */
export const MAX_TREE_CHARS = 6000;
/** Lines of one hover's snapshot tree. */
export const MAX_TREE_LINES = 120;
const MAX_VALUE = 120;
const MAX_FRAMES_SHOWN = 10;

function leftText(v: SnapshotVariable): string {
  if (!v.truncated) return '';
  return v.left > 0 ? ` … truncated, ${v.left} more` : ' … truncated';
}

function variableLines(v: SnapshotVariable, indent: string, out: string[]): void {
  const type = v.type ? `: ${v.type}` : '';
  out.push(`${indent}${v.name}${type} = ${truncate(v.value, MAX_VALUE)}${leftText(v)}`);
  for (const child of v.children) variableLines(child, `${indent}  `, out);
}

/** The tree as plain lines, cut at the bounds with a line saying how much was left. */
export function snapshotLines(s: CapturedSnapshot): string[] {
  const out: string[] = [];
  if (s.watches.length > 0) {
    out.push('watches');
    for (const w of s.watches) variableLines(w, '  ', out);
  }
  s.frames.slice(0, MAX_FRAMES_SHOWN).forEach((f, i) => {
    const where = f.file ? ` (${f.file}${f.line ? `:${f.line}` : ''})` : '';
    out.push(`#${i} ${f.function || '<anonymous>'}${where}`);
    for (const v of f.locals) variableLines(v, '  ', out);
  });
  if (s.frames.length > MAX_FRAMES_SHOWN) out.push(`… ${s.frames.length - MAX_FRAMES_SHOWN} more frames`);
  if (s.truncated) out.push('… the agent truncated this snapshot (capture limits)');
  return bound(out);
}

function bound(lines: string[]): string[] {
  const kept: string[] = [];
  let chars = 0;
  for (const [i, line] of lines.entries()) {
    if (kept.length >= MAX_TREE_LINES || chars + line.length > MAX_TREE_CHARS) {
      kept.push(`… ${lines.length - i} more lines; sonde.showSnapshot returns the whole tree`);
      break;
    }
    kept.push(line);
    chars += line.length + 1;
  }
  return kept;
}

/** The hover's section for one agent's snapshot: when and where from, then the tree in a code block. */
export function snapshotMarkdown(s: CapturedSnapshot): string {
  const head = `snapshot at ${new Date(s.timeMs).toISOString().slice(11, 23)} [${s.agentId}]`;
  // A fence longer than any backtick run inside, so a captured value cannot close it.
  const lines = snapshotLines(s);
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
  const fence = '`'.repeat(longest + 1);
  return `${head}\n\n${fence}text\n${lines.join('\n')}\n${fence}`;
}

/** Hint texts: the top frame's top-level values, `name = 'aa'`, `cart = {…}`. */
export const MAX_HINTS = 8;
const MAX_HINT_VALUE = 30;

const LEAF_TYPES = new Set(['string', 'number', 'boolean', 'undefined', 'null', 'bigint', 'symbol', 'function', 'accessor', 'error']);

export function hintText(v: SnapshotVariable): string {
  return `${v.name} = ${hintValue(v)}`;
}

function hintValue(v: SnapshotVariable): string {
  // Containers come as a summary ('Array(3)', 'Cart {…}'); a hint only says which kind.
  if (!LEAF_TYPES.has(v.type) || v.children.length > 0) return /^(Array|Set|Map)\b/.test(v.type) || v.value.startsWith('Array') ? '[…]' : '{…}';
  const text = truncate(v.value, MAX_HINT_VALUE);
  // The agent sends strings unquoted; a hint quotes them so `'42'` and `42` differ.
  return v.type === 'string' ? `'${text}${v.truncated && !text.endsWith('…') ? '…' : ''}'` : text;
}

/** The values an inlay hint shows for a snapshot: watches first, then the top frame's locals. */
export function hintVariables(s: CapturedSnapshot): SnapshotVariable[] {
  return [...s.watches, ...(s.frames[0]?.locals ?? [])].slice(0, MAX_HINTS);
}
