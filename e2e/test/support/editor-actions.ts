// What the end-to-end tests do as an editor on top of LspClient: run a code
// action the server offers and wait for its action to be active, and poll
// the lenses of a line until one reads as expected (never on time alone).
import assert from 'node:assert/strict';
import type { LspClient } from '@sonde/lsp-server/testing';

interface Command { title: string; command: string; arguments?: unknown[] }
interface CodeLens { range: { start: { line: number } }; command?: Command }

/** Runs the code action titled `title` offered for the range (0-based lines), and waits for its action to be active; returns its id. */
export async function runCodeAction(lsp: LspClient, uri: string, title: string, start: number, end = start, endCharacter = 0): Promise<string> {
  const actions = await lsp.request<{ title: string; command?: Command }[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: start, character: 0 }, end: { line: end, character: endCharacter } },
    context: { diagnostics: [] },
  });
  const add = actions.find((a) => a.title === title);
  assert.ok(add?.command, `no code action "${title}": ${JSON.stringify(actions.map((a) => a.title))}`);
  return runCommand(lsp, add.command.command, add.command.arguments?.[0], `"${title}"`);
}

/** Runs a Sonde add command and waits for its action to be active; returns its id. */
export async function runCommand(lsp: LspClient, command: string, arg: unknown, what = command): Promise<string> {
  const mark = lsp.notifications.length;
  const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command, arguments: [arg] });
  await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.state === 'active', `${what} to become active`, mark);
  return actionId;
}

/** Polls the lenses until one at the 0-based line has a title matching `pattern`; returns that title. */
export async function lensMatching(lsp: LspClient, uri: string, line: number, pattern: RegExp, what: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  let titles: string[] = [];
  while (Date.now() < deadline) {
    const lenses = await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    titles = lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
    const found = titles.find((t) => pattern.test(t));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no lens at line ${line + 1} shows ${what}; lenses there: ${JSON.stringify(titles)}`);
}

/** The hover's markdown at a 0-based line ('' when there is none). */
export async function hoverAt(lsp: LspClient, uri: string, line: number): Promise<string> {
  const h = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 4 } });
  return h?.contents.value ?? '';
}
