// The seed's first demo, end to end: the Flask app runs with the Python
// agent (python -m sonde_agent app.py, no change to the app); `sonde lsp`
// over stdio offers a log at line 22 (`return 'Hello: ' + name`), the log
// `Hello {name}` is added, GET /aa, and the line `Hello aa` comes back with
// the Python agent's id; the lens counts the hit. Then a log inside Flask's
// own app.py, in site-packages, fires on each request.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CodeLens } from 'vscode-languageserver-protocol';
import type { LspClient } from '@sonde/lsp-server/testing';
import { openEditor } from './support/editor-stack.js';
import { repoRoot, start, startGateway, type Proc } from './support/processes.js';

const python = join(repoRoot, '.tools', 'python', 'bin', 'python');
const appDir = join(repoRoot, 'examples', 'flask-hello');
const appFile = join(appDir, 'app.py');
const appUri = pathToFileURL(appFile).href;
const appText = readFileSync(appFile, 'utf8');

/** Flask's own app.py in the environment's site-packages. */
function flaskAppFile(): string {
  const lib = join(repoRoot, '.tools', 'python', 'lib');
  const version = readdirSync(lib).find((d) => d.startsWith('python3'))!;
  return join(lib, version, 'site-packages', 'flask', 'app.py');
}

describe('the seed\'s Flask demo: sonde lsp → gateway → the Python agent in a Flask app → back', function () {
  this.timeout(120_000);
  let gateway: { proc: Proc; url: string };
  let flask: Proc;
  let flaskUrl: string;
  let lsp: LspClient;

  before(async function () {
    assert.ok(existsSync(python), `no Python environment at ${python}: npm test creates it (scripts/python.mjs)`);
    gateway = await startGateway(0, mkdtempSync(join(tmpdir(), 'sonde-e2e-py-')));
    flask = start(python, ['-m', 'sonde_agent', 'app.py'], { name: 'flask-hello', cwd: appDir, env: { ...process.env, PORT: '0', SONDE_GATEWAY_URL: gateway.url, SONDE_TAGS: 'e2e' } });
    flaskUrl = (await flask.waitFor(/Running on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    await flask.waitFor(/sonde agent: connected to/);
    lsp = await openEditor(gateway.url, appUri, appText, 'python');
  });

  after(async () => {
    await lsp?.stop();
    await flask?.stop();
    await gateway?.proc.stop();
  });

  it('logs Hello {name} at line 22 while the app serves: the line comes back with the agent, the lens counts it', async () => {
    assert.match(appText.split('\n')[21]!, /^ {4}return 'Hello: ' \+ name$/, 'line 22 is the seed\'s');
    const offered = await lsp.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: appUri }, range: { start: { line: 21, character: 0 }, end: { line: 21, character: 0 } }, context: { diagnostics: [] } });
    const add = offered.find((a) => a.title.startsWith('Sonde: add log'));
    assert.match(JSON.stringify(add?.command?.arguments), /name=\{name\}/, 'the default format for a Python line reads its names');

    const mark = lsp.notifications.length;
    const added = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: appUri, line: 21, format: 'Hello {name}' }] });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === added.actionId && n.params.state === 'active', 'the log to become active', mark);
    assert.equal(await (await fetch(`${flaskUrl}/aa`)).text(), 'Hello: aa', 'the app answers as before');
    const line = await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.text === 'Hello aa', 'the line Hello aa', mark);
    assert.match(String(line.params.agentId), /^python-.+-\d+-[0-9a-f]{4}$/, 'with the agent\'s host and pid');
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === added.actionId && n.params.hits === 1, 'the hit count', mark);
    const lens = (await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: appUri } })).find((l) => l.range.start.line === 21);
    assert.match(lens?.command?.title ?? '', /log "Hello \{name\}" · 1 hit\b/);
  });

  it('takes a snapshot at line 22: the hover shows name = aa among the frame\'s locals', async () => {
    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addSnapshot', arguments: [{ uri: appUri, line: 21, expressions: ['name * 2'] }] });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.state === 'active', 'the snapshot to become active', mark);
    await fetch(`${flaskUrl}/aa`);
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.hits === 1, 'the snapshot\'s hit', mark);
    const deadline = Date.now() + 10_000;
    let hover = '';
    while (!/name: str = aa/.test(hover) && Date.now() < deadline) {
      hover = (await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: appUri }, position: { line: 21, character: 4 } }))?.contents.value ?? '';
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(hover, /name \* 2: str = aaaa/, 'the watch');
    assert.match(hover, /#0 hello_world \(.*examples\/flask-hello\/app\.py:22\)\n\s+name: str = aa/, 'the frame and its local');
    assert.match(hover, /#1 Flask\.dispatch_request \(.*flask\/app\.py:\d+\)/, 'the caller in Flask');
    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });
  });

  it('logs inside Flask\'s own app.py in site-packages, on every request', async () => {
    const file = flaskAppFile();
    const text = readFileSync(file, 'utf8');
    const index = text.split('\n').findIndex((l) => l.includes('return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)'));
    assert.ok(index > 0, `Flask.dispatch_request's return in ${file}`);
    const uri = pathToFileURL(file).href;
    await lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
    const mark = lsp.notifications.length;
    const added = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri, line: index, format: 'flask dispatches {rule.endpoint} with {view_args}' }] });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === added.actionId && n.params.state === 'active', `the log in ${relative(repoRoot, file)} to become active`, mark);
    for (const name of ['bb', 'cc']) await fetch(`${flaskUrl}/${name}`);
    for (const name of ['bb', 'cc']) await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.text === `flask dispatches hello_world with { name: '${name}' }`, `Flask's own line for /${name}`, mark);
  });
});
