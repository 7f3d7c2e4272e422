// The spine, end to end: an LSP client over stdio asks `sonde lsp` for a log at
// the seed's line; the gateway routes it to the agent inside the running
// example service; the line a request produces comes back to the editor.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LspClient, Received as Notification } from '@sonde/lsp-server/testing';
import { startEditorStack, stopEditorStack } from './support/editor-stack.js';
import { serviceDir, startGateway, startService, waitForClients, type Proc } from './support/processes.js';

interface Command { title: string; command: string; arguments?: unknown[] }
interface CodeAction { title: string; command?: Command }
interface CodeLens { range: { start: { line: number } }; command?: Command }

const file = join(serviceDir, 'server.js');
const uri = pathToFileURL(file).href;
const text = readFileSync(file, 'utf8');
const lines = text.split('\n');
/** 0-based LSP line of the first line containing `needle`. */
const lineOf = (needle: string) => {
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `server.js has no line with ${needle}`);
  return i;
};
const HELLO_LINE = lineOf("return 'Hello: ' + name");
const RESPOND_LINE = lineOf('res.end(hello(name))');

const isLog = (needle: string) => (n: Notification) => n.method === 'sonde/log' && String(n.params.text).includes(needle);

describe('editor → language server → gateway → agent → back', function () {
  let dataDir: string;
  let gateway: { proc: Proc; url: string };
  let service: { proc: Proc; url: string };
  let lsp: LspClient;

  before(async () => {
    ({ dataDir, gateway, service, lsp } = await startEditorStack(uri, text));
  });

  // The restart test replaces the gateway and the service: stop the ones running then.
  after(() => stopEditorStack({ dataDir, gateway, service, lsp }));

  const codeActions = (line: number) =>
    lsp.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      context: { diagnostics: [] },
    });
  const lenses = () => lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  const get = async (path: string) => {
    const res = await fetch(`${service.url}/${path}`);
    assert.equal(res.status, 200);
    return res.text();
  };

  let barrierId = '';

  it('adds a log from a code action, sees its line, its lens count, removes it, and sees no more lines', async () => {
    const offered = await codeActions(HELLO_LINE);
    const add = offered.find((a) => a.title.startsWith('Sonde: add log'));
    assert.ok(add?.command, `code actions at line ${HELLO_LINE + 1}: ${JSON.stringify(offered)}`);
    assert.match(JSON.stringify(add.command.arguments), /name=\{name\}/, 'the default format shows the identifier the line reads');

    const mark = lsp.notifications.length;
    await lsp.request('workspace/executeCommand', { command: add.command.command, arguments: add.command.arguments });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.state === 'active', 'the log to become active', mark);

    assert.equal(await get('aa'), 'Hello: aa', 'the service answers as before');
    const line = await lsp.waitFor(isLog('name=aa'), 'the log line for /aa', mark);
    assert.equal(line.params.line, HELLO_LINE);
    await lsp.waitFor((n) => n.method === 'window/logMessage' && String(n.params.message).includes('name=aa'), 'the line as window/logMessage', mark);

    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.hits === 1, 'the hit count to reach 1', mark);
    const hovered = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: HELLO_LINE, character: 4 } });
    assert.match(hovered?.contents.value ?? '', /\] name=aa/, 'the hover shows the line that came back');
    const lens = (await lenses()).find((l) => l.range.start.line === HELLO_LINE);
    assert.match(lens?.command?.title ?? '', /log "name=\{name\}" · 1 hit\b/);
    assert.ok(lsp.lensRefreshes > 0, 'the server asked the client to refresh lenses');

    const remove = (await codeActions(HELLO_LINE)).find((a) => a.title.startsWith('Sonde: remove log'));
    assert.ok(remove?.command, 'a remove action is offered on a line with a log');
    const removedMark = lsp.notifications.length;
    await lsp.request('workspace/executeCommand', { command: remove.command.command, arguments: remove.command.arguments });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.state === 'removed', 'the removal', removedMark);
    assert.equal((await lenses()).filter((l) => l.range.start.line === HELLO_LINE).length, 0, 'no lens left at the line');

    // Barrier: a log at another line, added by the command an editor runs after prompting for a format.
    const added = await lsp.request<{ actionId: string }>('workspace/executeCommand', {
      command: 'sonde.addLog',
      arguments: [{ uri, line: RESPOND_LINE, format: 'barrier {name}' }],
    });
    barrierId = added.actionId;
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === barrierId && n.params.state === 'active', 'the barrier log to become active', removedMark);
    await get('bb');
    await lsp.waitFor(isLog('barrier bb'), 'the barrier line', removedMark);
    const after = lsp.notifications.slice(removedMark);
    assert.ok(!after.some(isLog('name=bb')), 'the removed log sent no line before the barrier arrived');
  });

  it('shows the agent\'s refusal of an unsafe format as a diagnostic at the line', async () => {
    const mark = lsp.notifications.length;
    const added = await lsp.request<{ actionId: string }>('workspace/executeCommand', {
      command: 'sonde.addLog',
      arguments: [{ uri, line: HELLO_LINE, format: 'name={name = "x"}' }],
    });
    const published = await lsp.waitFor(
      (n) => n.method === 'textDocument/publishDiagnostics' && (n.params.diagnostics as { range: { start: { line: number } }; message: string }[]).some((d) => d.range.start.line === HELLO_LINE && /assignment/.test(d.message)),
      'a diagnostic with the agent\'s reason',
      mark,
    );
    const diagnostic = (published.params.diagnostics as { message: string }[]).find((d) => /assignment/.test(d.message))!;
    assert.match(diagnostic.message, /would change program state/);
    assert.equal(await get('dd'), 'Hello: dd', 'the service is untouched');
    const removed = lsp.notifications.length;
    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId: added.actionId }] });
    await lsp.waitFor((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === uri && (n.params.diagnostics as unknown[]).length === 0, 'the diagnostic cleared', removed);
  });

  it('restores the action from the gateway store after the gateway and the service restart', async () => {
    assert.ok(barrierId, 'needs the barrier action from the previous test');
    const hitsBefore = (await lenses()).find((l) => l.range.start.line === RESPOND_LINE)?.command?.title.match(/(\d+) hits?\b/)?.[1];
    assert.ok(hitsBefore, 'the barrier lens shows a hit count');
    const port = new URL(gateway.url).port;
    await service.proc.stop();
    await gateway.proc.stop();
    gateway = await startGateway(Number(port), dataDir);
    await waitForClients(gateway.url, 1); // the language server reconnected by itself
    const mark = lsp.notifications.length;
    service = await startService(gateway.url);
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === barrierId && n.params.state === 'active', 'the stored action to become active in the new process', mark);
    await get('cc');
    const line = await lsp.waitFor(isLog('barrier cc'), 'a line from the restored action', mark);
    assert.equal(line.params.actionId, barrierId);
    const total = Number(hitsBefore) + 1;
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === barrierId && n.params.hits === total, `hits summed across both service processes (${total})`, mark);
    const lens = (await lenses()).find((l) => l.range.start.line === RESPOND_LINE);
    assert.match(lens?.command?.title ?? '', new RegExp(`log "barrier \\{name\\}" · ${total} hits`));
  });
});
