// The workspace-relative path of an action. Agents decode percent-encoding
// and `file:` URIs before matching (DESIGN: Paths), so the checks run on the
// decoded path too: `%2e%2e/` must be refused exactly as `../` is, or the
// agents' answers would tell which files exist outside the app.
import { invalid, MAX_CHARS } from './fields.js';

/** Percent-decoding until nothing changes (a double-encoded `%252e` is `%2e`, then `.`); malformed escapes stay as they are. */
export function decodePath(file: string): string {
  let current = file;
  for (let round = 0; round < 4; round++) {
    const next = current.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        // Not UTF-8 when decoded (say %ff): kept literally, as an agent's decoder keeps it.
        return run;
      }
    });
    if (next === current) break;
    current = next;
  }
  return current;
}

export function checkPath(file: string, field: string): void {
  if (!file) invalid(`${field}.file is empty; give the path relative to the workspace root, e.g. "src/server.js"`);
  if (file.length > MAX_CHARS.actionPath) invalid(`${field}.file is ${file.length} characters long; the limit is ${MAX_CHARS.actionPath}`);
  for (const form of new Set([file, decodePath(file)])) {
    if (form.includes('\0')) invalid(`${field}.file contains a NUL character`);
    if (/^([A-Za-z]:)?[\\/]/.test(form) || /^file:/i.test(form)) {
      invalid(`${field}.file "${file}" is absolute; actions carry the path relative to the workspace root`);
    }
    if (form.split(/[\\/]/).includes('..')) invalid(`${field}.file "${file}" climbs out of the workspace with ".."`);
  }
}
