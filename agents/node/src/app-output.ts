// Lines the agent writes into the app's own output: one line per hit,
// whatever a logged value holds. Control characters (C0, DEL, C1, and the
// Unicode line and paragraph separators) become visible escapes, so that a
// value cannot end the line, start a forged one or drive the terminal with
// ANSI codes. The copy for the editor keeps the text as it is.

const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
}

/** The text with each control character as an escape (\n, \x1b, \u2028); unchanged (no copy) when it has none. */
export function escapeControls(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, escape) : text;
}
