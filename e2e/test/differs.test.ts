// The editor's file is not the running one: here it has two more lines at
// the top than the example service's server.js. A log added at the editor's
// line runs at the matching running line, and the lens says where it went.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LspClient } from '@sonde/lsp-server/testing';
import { lensMatching, runCodeAction } from './support/editor-actions.js';
import { startEditorStack, stopEditorStack, type EditorStack } from './support/editor-stack.js';
import { serviceDir } from './support/processes.js';

const file = join(serviceDir, 'server.js');
const uri = pathToFileURL(file).href;
const running = readFileSync(file, 'utf8');
const edited = `// two lines the running copy\n// does not have yet\n${running}`;
const RUNNING_LINE = running.split('\n').findIndex((l) => l.includes("return 'Hello: ' + name"));
const EDITOR_LINE = RUNNING_LINE + 2;

describe('the editor\'s file differs from the running one', function () {
  let stack: EditorStack;
  let lsp: LspClient;

  before(async () => {
    stack = await startEditorStack(uri, edited);
    ({ lsp } = stack);
  });

  after(() => stopEditorStack(stack ?? {}));

  it('places the log at the running line that reads the same, logs there, and the lens says where', async () => {
    const mark = lsp.notifications.length;
    const actionId = await runCodeAction(lsp, uri, 'Sonde: add log here', EDITOR_LINE);
    assert.equal(await (await fetch(`${stack.service.url}/ada`)).text(), 'Hello: ada');
    const line = await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.actionId === actionId, 'the log line', mark);
    assert.equal(line.params.text, 'name=ada');
    await lensMatching(lsp, uri, EDITOR_LINE, new RegExp(`^log "name=\\{name\\}" · 1 hit · placed at running line ${RUNNING_LINE + 1} \\(your line ${EDITOR_LINE + 1}\\): the running code differs$`), 'where the log went');
  });
});
