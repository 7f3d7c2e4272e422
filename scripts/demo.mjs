// The demo: starts the gateway on its embedded demo identity provider, then
// plays an editor (a real LSP session with `sonde lsp` over stdio): signs in
// with sonde.login (the device flow, approved on the provider's page as the
// demo user, as a person would in a browser), creates the service's agent
// key with `sonde keys create` (the CLI shares the editor's sign-in), starts
// the example service with the agent, asks for code actions at the seed's
// line, adds the log, requests the page and shows the log line and the lens
// that come back. Then the same into the seed's Flask app (examples/flask-hello)
// with the Python agent: the log `Hello {name}` at its line 22.
//
//   npm run demo            run the scripted session and exit
//   npm run demo -- --keep  then keep the gateway and the service running for your editor
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setupPython } from './python.mjs';
import { root, setup } from './setup.mjs';

const keep = process.argv.includes('--keep');
setup();
const python = setupPython();

const { start, startGateway, startService, serviceDir, sondeBin } = await import('../e2e/dist/test/support/processes.js');
const { LspClient, editorInitializeParams } = await import('@sonde/lsp-server/testing');
const { approveDeviceLogin } = await import('@sonde/agent-gateway/testing');

const say = (label, text) => process.stdout.write(`  ${label.padEnd(13)} ${text}\n`);
const nodeFile = join(serviceDir, 'server.js');
const flaskDir = join(root, 'examples', 'flask-hello');

process.stdout.write('\nSonde demo: a dynamic log from an editor into a running Node.js service\n\n');
const dataDir = mkdtempSync(join(tmpdir(), 'sonde-demo-'));
// The scripted editor's sign-in is kept here, not in your own config folder.
const configDir = mkdtempSync(join(tmpdir(), 'sonde-demo-config-'));
const gateway = await startGateway(0, dataDir, ['--demo-identity']);
const issuer = (await (await fetch(`${gateway.url}/v1/identity`)).json()).issuer;
say('gateway', `${gateway.url}  (sonde gateway --demo-identity, data in ${dataDir})`);
say('identity', `${issuer}  (embedded demo provider; users demo/demo and viewer/viewer)`);
let lsp;
let service;
let flask;
let flaskUrl = '';
let code = 0;
try {
  lsp = LspClient.start({ args: [sondeBin, 'lsp', '--stdio'], name: 'sonde lsp', env: { SONDE_CONFIG_DIR: configDir } });
  await lsp.initialize(editorInitializeParams(root, { gatewayUrl: gateway.url }));
  const login = await lsp.request('workspace/executeCommand', { command: 'sonde.login', arguments: [] });
  const page = login.verificationUriComplete ?? login.verificationUri;
  say('editor', `sonde.login: "open ${page} and confirm the code ${login.userCode}"`);
  await approveDeviceLogin(page, { name: 'demo', password: 'demo' }, login.userCode);
  say('browser', 'signed in on the provider\'s page as demo, code confirmed');
  await lsp.waitFor((n) => n.method === 'window/showMessage' && /signed in as demo/.test(n.params.message), 'the sign-in', 0, 30_000);
  say('editor', 'signed in as demo (tokens refreshed quietly from here on)');
  const keys = spawnSync(process.execPath, [sondeBin, 'keys', 'create', '--tag', 'e2e', '--description', 'demo service'], { env: { ...process.env, SONDE_CONFIG_DIR: configDir, SONDE_GATEWAY_URL: gateway.url }, encoding: 'utf8' });
  const agentKey = /SONDE_AGENT_KEY=(\S+)/.exec(keys.stdout)?.[1];
  if (!agentKey) throw new Error(`sonde keys create failed: ${keys.stderr || keys.stdout}`);
  say('sonde keys', `create --tag e2e → ${keys.stdout.split('\n')[0]} (the CLI shares the editor's sign-in)`);
  service = await startService(gateway.url, { SONDE_AGENT_KEY: agentKey });
  say('node-service', `${service.url}  (SONDE_AGENT_KEY=… node --import @sonde/agent-node/register server.js)`);
  await logAtSeedLine(nodeFile, 'javascript', service.url, null);

  process.stdout.write('\nThe same from the same editor, into the seed\'s Flask app with the Python agent\n\n');
  flask = start(python, ['-m', 'sonde_agent', 'app.py'], { name: 'flask-hello', cwd: flaskDir, env: { ...process.env, PORT: '0', SONDE_GATEWAY_URL: gateway.url, SONDE_AGENT_KEY: agentKey, SONDE_TAGS: 'e2e' } });
  flaskUrl = (await flask.waitFor(/Running on (http:\/\/127\.0\.0\.1:\d+)/))[1];
  await flask.waitFor(/sonde agent: connected to/);
  say('flask-hello', `${flaskUrl}  (SONDE_AGENT_KEY=… python -m sonde_agent app.py)`);
  await logAtSeedLine(join(flaskDir, 'app.py'), 'python', flaskUrl, 'Hello {name}');
} catch (err) {
  process.stderr.write(`\ndemo failed: ${err.stack ?? err}\n`);
  code = 1;
} finally {
  await lsp?.stop();
}

if (keep && code === 0) {
  process.stdout.write(`
Still running. Point your editor's language server at "sonde lsp" with
SONDE_GATEWAY_URL=${gateway.url} (see README, "Editors"), run the command
sonde.login and sign in as demo / demo on the page it opens, open
${relative(root, nodeFile)} or examples/flask-hello/app.py, ask for code
actions on the line "return 'Hello: ' + name", then:
curl ${service.url}/you   or   curl ${flaskUrl}/you
Press Ctrl-C to stop.
`);
  await new Promise((resolve) => process.once('SIGINT', resolve));
}
await flask?.stop();
await service?.proc.stop();
await gateway.proc.stop();
process.exitCode = code;

/** Retried while the language server is still reconnecting with its new token (a second at most). */
async function untilConnected(run) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await run();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * The editor's part: opens the file, asks for code actions at the seed's line,
 * adds the log (the offered format, or `format`), requests /aa and shows the
 * line and the lens that come back.
 */
async function logAtSeedLine(file, languageId, url, format) {
  const uri = pathToFileURL(file).href;
  const text = readFileSync(file, 'utf8');
  const line = text.split('\n').findIndex((l) => l.includes("return 'Hello: ' + name"));
  const rel = relative(root, file);
  await lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  const actions = await lsp.request('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    context: { diagnostics: [] },
  });
  const add = actions.find((a) => a.title.startsWith('Sonde: add log'));
  say('editor', `sonde lsp offers "${add.title}" at ${rel}:${line + 1}   ${text.split('\n')[line].trim()}`);
  const mark = lsp.notifications.length;
  const command = format
    ? { command: 'sonde.addLog', arguments: [{ uri, line, format }] }
    : { command: add.command.command, arguments: add.command.arguments };
  if (format) say('editor', `sonde.addLog with the format "${format}"`);
  const { actionId } = await untilConnected(() => lsp.request('workspace/executeCommand', command));
  const ofThis = (n) => n.params?.actionId === actionId;
  await lsp.waitFor((n) => n.method === 'sonde/actionState' && ofThis(n) && n.params.state === 'active', 'the log to become active', mark);
  say('agent', 'probe installed in the running process (no restart)');
  const body = await (await fetch(`${url}/aa`)).text();
  say('request', `GET ${url}/aa → "${body}"`);
  const log = await lsp.waitFor((n) => n.method === 'sonde/log' && ofThis(n), 'the log line', mark);
  say('log line', `${log.params.time}  [${log.params.agentId}]  ${log.params.text}`);
  await lsp.waitFor((n) => n.method === 'sonde/actionState' && ofThis(n) && n.params.hits === 1, 'the hit count', mark);
  const lenses = await lsp.request('textDocument/codeLens', { textDocument: { uri } });
  const lens = lenses.find((l) => l.range.start.line === line);
  say('lens', `${rel}:${line + 1}  ${lens?.command?.title}`);
}
