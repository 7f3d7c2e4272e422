// Snapshots, end to end: `sonde lsp` over stdio takes a snapshot at the
// example service's line (from its code action, and with a watch expression
// through the command); the agent captures the line's variables in the
// running service without pausing it; the hover shows the tree, the inlay
// hint shows the values at the end of the line, and sonde.showSnapshot
// gives all of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LspClient } from '@sonde/lsp-server/testing';
import { startEditorStack, stopEditorStack, type EditorStack } from './support/editor-stack.js';
import { serviceDir } from './support/processes.js';

interface Command { title: string; command: string; arguments?: unknown[] }
interface InlayHint { position: { line: number; character: number }; label: string }

const file = join(serviceDir, 'server.js');
const uri = pathToFileURL(file).href;
const text = readFileSync(file, 'utf8');
const HELLO_LINE = text.split('\n').findIndex((l) => l.includes("return 'Hello: ' + name"));

describe('snapshots: editor → agent → hover and inlay hints', function () {
  let stack: EditorStack;
  let service: EditorStack['service'];
  let lsp: LspClient;

  before(async () => {
    stack = await startEditorStack(uri, text);
    ({ service, lsp } = stack);
  });

  after(() => stopEditorStack(stack ?? {}));

  const get = async (name: string) => assert.equal(await (await fetch(`${service.url}/${name}`)).text(), `Hello: ${name}`);
  const untilState = (actionId: string, state: string, from: number) =>
    lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.state === state, `the snapshot to be ${state}`, from);
  const hoverText = async () =>
    ((await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: HELLO_LINE, character: 4 } }))?.contents.value ?? '');
  const remove = (actionId: string) => lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });

  it('takes a snapshot from the code action: the variables on hover and as an inlay hint, then the hit limit', async () => {
    const actions = await lsp.request<{ title: string; command?: Command }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: HELLO_LINE, character: 0 }, end: { line: HELLO_LINE, character: 0 } },
      context: { diagnostics: [] },
    });
    const take = actions.find((a) => a.title === 'Sonde: take a snapshot here');
    assert.ok(take?.command, JSON.stringify(actions.map((a) => a.title)));
    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: take.command.command, arguments: take.command.arguments });
    await untilState(actionId, 'active', mark);
    const refreshes = lsp.requests.filter((r) => r.method === 'workspace/inlayHint/refresh').length;
    await get('ada');
    await untilState(actionId, 'hit_limit_reached', mark);
    await lsp.waitForRequest((r) => r.method === 'workspace/inlayHint/refresh', 'an inlay hint refresh after the snapshot', refreshes);

    const hover = await hoverText();
    assert.match(hover, /\*\*Sonde\*\* snapshot · 1 hit · hit limit reached/);
    assert.ok(hover.includes('\n#0 hello ('), `the top frame is hello():\n${hover}`);
    assert.ok(hover.includes('\n  name: string = ada\n'), `the argument name on hover:\n${hover}`);

    const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: HELLO_LINE + 5, character: 0 } } });
    assert.equal(hints.length, 1, JSON.stringify(hints));
    assert.equal(hints[0]!.position.line, HELLO_LINE);
    assert.match(hints[0]!.label, /^name = 'ada'/);

    // A second request takes no snapshot: one was asked for.
    await get('bob');
    const shown = await lsp.request<{ snapshots: { frames: { locals: { name: string; value: string }[] }[] }[]; text: string }>('workspace/executeCommand', { command: 'sonde.showSnapshot', arguments: [{ actionId }] });
    assert.equal(shown.snapshots.length, 1);
    assert.deepEqual(shown.snapshots[0]!.frames[0]!.locals.find((l) => l.name === 'name')?.value, 'ada');
    await remove(actionId);
  });

  it('evaluates watch expressions with the snapshot, and takes as many as the hit limit says', async () => {
    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', {
      command: 'sonde.addSnapshot',
      arguments: [{ uri, line: HELLO_LINE, expressions: ['name.length'], hitLimit: 2 }],
    });
    await untilState(actionId, 'active', mark);
    await get('carol');
    await new Promise((r) => setTimeout(r, 1100)); // snapshots default to one a second per probe
    await get('dave');
    await untilState(actionId, 'hit_limit_reached', mark);
    const hover = await hoverText();
    assert.ok(hover.includes('\n  name.length: number = 4\n'), `the latest watch on hover (dave):\n${hover}`);
    await remove(actionId);
  });

  it('refuses a watch expression that would run program code, saying which and why', async () => {
    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', {
      command: 'sonde.addSnapshot',
      arguments: [{ uri, line: HELLO_LINE, expressions: ['name.length', 'name.toUpperCase()'] }],
    });
    const refused = await untilState(actionId, 'error', mark);
    assert.match(String(refused.params.reason), /^expression 2 \(name\.toUpperCase\(\)\): function call .* is refused/);
    await remove(actionId);
  });
});
