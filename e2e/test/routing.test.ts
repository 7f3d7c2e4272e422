// Two services on one gateway with a file of the same name and no
// .sonde.json, as a new user runs them: a Koa app and a Fastify app from the
// registry, each with an app.js. A log at either app's line goes to that app
// only (the gateway routes by the file's content, then by its line), reads
// the framework's getters, and a Koa getter that calls a parser is left
// unread with a marker. With the editor's file two lines longer, the log
// goes to the running line that reads the same and says so.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { editorInitializeParams, LspClient } from '@sonde/lsp-server/testing';
import { lensMatching } from './support/editor-actions.js';
import { FASTIFY_APP, KOA_APP, repoRoot, sondeBin, startGateway, startService, waitForClients, type Proc, type ServiceSpec } from './support/processes.js';

const LINE = 4; // 0-based: app.js line 5 in both apps
const fileOf = (s: ServiceSpec) => join(s.dir, s.script);
const koaUri = pathToFileURL(fileOf(KOA_APP)).href;
const fastifyUri = pathToFileURL(fileOf(FASTIFY_APP)).href;

describe('routing: a Koa app and a Fastify app, each with an app.js, on one gateway', function () {
  let dataDir: string;
  let gateway: { proc: Proc; url: string };
  let koa: { proc: Proc; url: string };
  let fastify: { proc: Proc; url: string };
  let lsp: LspClient;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sonde-e2e-'));
    gateway = await startGateway(0, dataDir);
    [koa, fastify] = await Promise.all([
      startService(gateway.url, { SONDE_AGENT_ID: 'koa', SONDE_TAGS: '' }, KOA_APP),
      startService(gateway.url, { SONDE_AGENT_ID: 'fastify', SONDE_TAGS: '' }, FASTIFY_APP),
    ]);
    lsp = LspClient.start({ args: [sondeBin, 'lsp', '--stdio'], name: 'sonde lsp' });
    await lsp.initialize(editorInitializeParams(repoRoot, { gatewayUrl: gateway.url }));
    await waitForClients(gateway.url, 1);
    for (const [uri, s] of [[koaUri, KOA_APP], [fastifyUri, FASTIFY_APP]] as const) {
      await lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text: readFileSync(fileOf(s), 'utf8') } });
    }
  });

  after(async () => {
    await lsp?.stop();
    await koa?.proc.stop();
    await fastify?.proc.stop();
    await gateway?.proc.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function addLog(uri: string, format: string, line = LINE): Promise<string> {
    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri, line, format }] });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.state === 'active', `the log "${format}" to become active`, mark);
    return actionId;
  }
  const logsOf = (actionId: string) => lsp.notifications.filter((n) => n.method === 'sonde/log' && n.params.actionId === actionId).map((n) => n.params.text as string);
  const agentsOf = async (actionId: string) => (await lsp.request<{ text: string }>('workspace/executeCommand', { command: 'sonde.showAction', arguments: [{ actionId }] })).text.replace(/^.* · agents: /, '');
  const hit = async (url: string, path: string, app: string) => assert.match(await (await fetch(`${url}${path}`)).text(), new RegExp(`^${app} says hello`));

  const FIRES_ONLY_IN = [
    { app: 'koa', other: 'fastify', uri: koaUri, format: '{ctx.method} {ctx.url}', path: '/cart/7?x=1', text: 'GET /cart/7?x=1', what: "the Koa app's app.js:5 fires in the Koa app only, with ctx.method and ctx.url read through their getters" },
    { app: 'fastify', other: 'koa', uri: fastifyUri, format: '{request.method} {request.url}', path: '/orders', text: 'GET /orders', what: "the Fastify app's app.js:5 fires in the Fastify app only, with request.method read through its getter" },
  ] as const;
  for (const c of FIRES_ONLY_IN) {
    it(`a log at ${c.what}`, async () => {
      const url = (app: string) => (app === 'koa' ? koa.url : fastify.url);
      const id = await addLog(c.uri, c.format);
      await hit(url(c.other), `/not-${c.app}`, c.other);
      await hit(url(c.app), c.path, c.app);
      await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.actionId === id, `the ${c.app} log line`);
      await hit(url(c.other), `/still-not-${c.app}`, c.other);
      const escaped = c.format.replace(/[{}.]/g, (ch) => `\\${ch}`);
      await lensMatching(lsp, c.uri, LINE, new RegExp(`^log "${escaped}" · 1 hit$`), 'one hit, on the one agent');
      assert.deepEqual(logsOf(id), [c.text]);
      assert.match(await agentsOf(id), new RegExp(`^${c.app}: active \\(`));
      assert.doesNotMatch(await agentsOf(id), new RegExp(c.other));
    });
  }

  it('{ctx.path}, whose getter calls a parser that caches on the request, prints a marker that says why it was not read', async () => {
    const id = await addLog(koaUri, 'path={ctx.path}');
    await hit(koa.url, '/p', 'koa');
    const line = await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.actionId === id, 'the ctx.path log line');
    assert.equal(line.params.text, 'path=[getter: calls parse()]');
  });

  it('with the editor\'s Koa file two lines longer, the log goes to the Koa app\'s matching running line and says so', async () => {
    const longer = `// two lines the running copy\n// does not have yet\n${readFileSync(fileOf(KOA_APP), 'utf8')}`;
    await lsp.notify('textDocument/didChange', { textDocument: { uri: koaUri, version: 2 }, contentChanges: [{ text: longer }] });
    const id = await addLog(koaUri, 'moved {ctx.method}', LINE + 2);
    await hit(fastify.url, '/not-koa', 'fastify');
    await hit(koa.url, '/m', 'koa');
    await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.actionId === id, 'the moved log line');
    assert.deepEqual(logsOf(id), ['moved GET']);
    await lensMatching(lsp, koaUri, LINE + 2, new RegExp(`^log "moved \\{ctx\\.method\\}" · 1 hit · placed at running line ${LINE + 1} \\(your line ${LINE + 3}\\): the running code differs$`), 'where the log went');
    assert.doesNotMatch(await agentsOf(id), /fastify/);
  });

  it('with the Koa app down, a log at its app.js (the workspace is the Koa app) is refused, saying what the Fastify app runs there', async () => {
    await koa.proc.stop();
    const own = LspClient.start({ args: [sondeBin, 'lsp', '--stdio'], name: 'sonde lsp in the Koa app' });
    try {
      await own.initialize(editorInitializeParams(KOA_APP.dir, { gatewayUrl: gateway.url }));
      await waitForClients(gateway.url, 2);
      await own.notify('textDocument/didOpen', { textDocument: { uri: koaUri, languageId: 'javascript', version: 1, text: readFileSync(fileOf(KOA_APP), 'utf8') } });
      const refused = await own.request('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: koaUri, line: LINE, format: '{ctx.url}' }] }).then(() => 'added', (err: Error) => err.message);
      assert.match(refused, /no connected agent runs app\.js as the editor has it at line 5 \(fastify: the running code differs: .*running line 5 reads "return `fastify says hello/);
    } finally {
      await own.stop();
    }
  });
});
