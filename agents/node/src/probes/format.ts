// Splits a log format such as "Hello {name}, cart {cart.items.length}" into
// literal text and expression sources. acorn finds where each expression
// ends, so braces inside an expression (template literals, object literals)
// do not confuse the split. Columns in errors are 1-based.

import { parseExpressionAt, type Expression } from 'acorn';
import { refuseYieldAt, tooDeepToParse } from './expression.js';

export type FormatPart =
  | { kind: 'text'; text: string }
  | { kind: 'expr'; source: string; /** 1-based column of the source's first character in the format */ column: number };

/** `unsafe`: a refused construct (yield) rather than a format that does not parse. */
export type FormatResult = { ok: true; parts: FormatPart[] } | { ok: false; error: string; unsafe?: true };

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

export function parseFormat(format: string): FormatResult {
  const parts: FormatPart[] = [];
  let text = '';
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch === '}') {
      if (format[i + 1] === '}') {
        text += '}';
        i += 2;
        continue;
      }
      return { ok: false, error: `lone } at column ${i + 1}: write }} for a literal brace` };
    }
    if (ch !== '{') {
      text += ch;
      i++;
      continue;
    }
    if (format[i + 1] === '{') {
      text += '{';
      i += 2;
      continue;
    }
    const open = i;
    const first = skipSpaces(format, open + 1);
    if (first >= format.length) {
      return { ok: false, error: `unclosed { at column ${open + 1}: close it with } or write {{ for a literal brace` };
    }
    if (format[first] === '}') {
      return { ok: false, error: `empty {} at column ${open + 1}: put an expression inside, or write {{}} for literal braces` };
    }
    let node: Expression;
    try {
      node = parseExpressionAt(format, first, { ecmaVersion: 'latest', allowAwaitOutsideFunction: true, preserveParens: true });
    } catch (err) {
      if (err instanceof RangeError) return { ok: false, error: `the expression in { at column ${open + 1} ${tooDeepToParse(first + 1)}` };
      const pos = (err as { pos?: number }).pos;
      if (pos !== undefined && pos >= format.length) {
        return { ok: false, error: `unclosed { at column ${open + 1}: close it with } or write {{ for a literal brace` };
      }
      const message = err instanceof Error ? err.message.replace(/\s*\(\d+:\d+\)$/, '') : String(err);
      const at = pos === undefined ? '' : ` at column ${pos + 1}`;
      return { ok: false, error: `the expression in { at column ${open + 1} does not parse${at}: ${message}` };
    }
    const end = node.end;
    const close = skipSpaces(format, end);
    if (close >= format.length) {
      return { ok: false, error: `unclosed { at column ${open + 1}: close it with } or write {{ for a literal brace` };
    }
    if (format[close] !== '}') {
      if (node.type === 'Identifier' && node.name === 'yield') return { ok: false, error: refuseYieldAt(first + 1), unsafe: true };
      return {
        ok: false,
        error: `unexpected "${format[close]}" at column ${close + 1} in the expression opened at column ${open + 1}: expected }`,
      };
    }
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
    parts.push({ kind: 'expr', source: format.slice(first, end), column: first + 1 });
    i = close + 1;
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return { ok: true, parts };
}
