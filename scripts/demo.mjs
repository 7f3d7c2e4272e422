// The demo: starts the gateway and the example service with the agent, then
// plays an editor (a real LSP session with `sonde lsp` over stdio): asks for
// code actions at the seed's line, adds the log, requests the page and shows
// the log line and the lens that come back.
//
//   npm run demo            run the scripted session and exit
//   npm run demo -- --keep  then keep the gateway and the service running for your editor
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, setup } from './setup.mjs';

const keep = process.argv.includes('--keep');
setup();

const { startGateway, startService, serviceDir, sondeBin } = await import('../e2e/dist/test/support/processes.js');
const { LspClient, editorInitializeParams } = await import('@sonde/lsp-server/testing');

const say = (label, text) => process.stdout.write(`  ${label.padEnd(13)} ${text}\n`);
const file = join(serviceDir, 'server.js');
const uri = pathToFileURL(file).href;
const text = readFileSync(file, 'utf8');
const line = text.split('\n').findIndex((l) => l.includes("return 'Hello: ' + name"));
const rel = relative(root, file);

process.stdout.write('\nSonde demo: a dynamic log from an editor into a running Node.js service\n\n');
const dataDir = mkdtempSync(join(tmpdir(), 'sonde-demo-'));
const gateway = await startGateway(0, dataDir);
say('gateway', `${gateway.url}  (sonde gateway --insecure-dev, data in ${dataDir})`);
const service = await startService(gateway.url);
say('node-service', `${service.url}  (node --import @sonde/agent-node/register server.js)`);
let lsp;
let code = 0;
try {
  lsp = LspClient.start({ args: [sondeBin, 'lsp', '--stdio'], name: 'sonde lsp' });
  await lsp.initialize(editorInitializeParams(root, { gatewayUrl: gateway.url }));
  await lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text } });
  const actions = await lsp.request('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    context: { diagnostics: [] },
  });
  const add = actions.find((a) => a.title.startsWith('Sonde: add log'));
  say('editor', `sonde lsp offers "${add.title}" at ${rel}:${line + 1}   ${text.split('\n')[line].trim()}`);
  const mark = lsp.notifications.length;
  await lsp.request('workspace/executeCommand', { command: add.command.command, arguments: add.command.arguments });
  await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.state === 'active', 'the log to become active', mark);
  say('agent', 'probe installed in the running process (no restart)');
  const body = await (await fetch(`${service.url}/aa`)).text();
  say('request', `GET ${service.url}/aa → "${body}"`);
  const log = await lsp.waitFor((n) => n.method === 'sonde/log', 'the log line', mark);
  say('log line', `${log.params.time}  [${log.params.agentId}]  ${log.params.text}`);
  await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.hits === 1, 'the hit count', mark);
  const lenses = await lsp.request('textDocument/codeLens', { textDocument: { uri } });
  const lens = lenses.find((l) => l.range.start.line === line);
  say('lens', `${rel}:${line + 1}  ${lens?.command?.title}`);
} catch (err) {
  process.stderr.write(`\ndemo failed: ${err.stack ?? err}\n`);
  code = 1;
} finally {
  await lsp?.stop();
}

if (keep && code === 0) {
  process.stdout.write(`
Still running. Point your editor's language server at "sonde lsp" with
SONDE_GATEWAY_URL=${gateway.url} (see README, "Editors"), open ${rel},
ask for code actions on line ${line + 1}, then: curl ${service.url}/you
Press Ctrl-C to stop.
`);
  await new Promise((resolve) => process.once('SIGINT', resolve));
}
await service.proc.stop();
await gateway.proc.stop();
process.exitCode = code;
