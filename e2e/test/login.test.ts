// Signing in as a person would, end to end: a gateway that checks identity
// against a real Keycloak; the example service's agent with an agent key an
// admin created; `sonde lsp` over stdio runs sonde.login (the device flow),
// and Debian's Chromium, driven by playwright-core, signs in on Keycloak's
// device page as the realm's test user and approves. The language server
// then holds tokens, reconnects with them, and adds a log that fires in the
// service. Its tokens are renewed on the open connection without the person
// noticing, and nothing the service logs meanwhile is lost.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { ProtocolPeer } from '@sonde/rpc/testing';
import { accessFor, PASSWORDS, useKeycloak, type TestKeycloak } from '@sonde/agent-gateway/testing';
import { editorInitializeParams, LspClient } from '@sonde/lsp-server/testing';
import { serviceDir, sondeBin, start, startService, type Proc } from './support/processes.js';

const CHROMIUM = process.env.SONDE_CHROMIUM ?? '/usr/bin/chromium';
const file = join(serviceDir, 'server.js');
const uri = pathToFileURL(file).href;
const text = readFileSync(file, 'utf8');
const HELLO_LINE = text.split('\n').findIndex((l) => l.includes("return 'Hello: ' + name"));

/** Signs in on Keycloak's device page as `user` and approves the grant. */
async function approveInBrowser(browser: Browser, page: string, user: string): Promise<void> {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    await tab.goto(page);
    await tab.fill('#username', user);
    await tab.fill('#password', PASSWORDS[user]!);
    await tab.click('#kc-login');
    await tab.waitForURL(/execution=OAUTH_GRANT|device/, { timeout: 20_000 });
    if (tab.url().includes('OAUTH_GRANT') || (await tab.locator('button[name="accept"]').count()) > 0) await tab.click('button[name="accept"]');
    await tab.getByText('Device Login Successful').waitFor({ timeout: 20_000 });
  } finally {
    await context.close();
  }
}

describe('signing in from the editor through a real browser, then a log in the service', function () {
  this.timeout(300_000);
  let kc: TestKeycloak;
  let browser: Browser;
  let dataDir: string;
  let configDir: string;
  let gateway: Proc;
  let gatewayUrl: string;
  let service: { proc: Proc; url: string } | undefined;
  let lsp: LspClient | undefined;

  before(async function () {
    assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: install Debian's chromium package (npm test does), or set SONDE_CHROMIUM`);
    kc = await useKeycloak();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
    dataDir = mkdtempSync(join(tmpdir(), 'sonde-e2e-login-'));
    configDir = mkdtempSync(join(tmpdir(), 'sonde-e2e-config-'));
    // Editors sign in through the realm's client of 3-second tokens: the test lives through several expiries.
    gateway = start(process.execPath, [sondeBin, 'gateway', '--oidc-issuer', kc.issuer, '--oidc-login-client', 'sonde-cli-short', '--port', '0', '--data', dataDir], { name: 'gateway' });
    gatewayUrl = (await gateway.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    // An admin creates the service's agent key (through the API: `sonde keys` is not there yet).
    const admin = await ProtocolPeer.connect(gatewayUrl, '/v1/client', { authorization: `Bearer ${await accessFor(kc, 'root')}` });
    const key = await admin.request({ createAgentKey: { tags: ['e2e'], description: 'example service' } });
    admin.close();
    assert.ok(key.agentKeyCreated?.secret, JSON.stringify(key));
    service = await startService(gatewayUrl, { SONDE_AGENT_KEY: key.agentKeyCreated.secret });
  });

  after(async () => {
    await lsp?.stop();
    await service?.proc.stop();
    await gateway?.stop();
    await browser?.close();
    await kc?.stop();
    for (const d of [dataDir, configDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('starts the device flow, a person approves in the browser, and the log fires in the example service', async () => {
    lsp = LspClient.start({ args: [sondeBin, 'lsp', '--stdio'], name: 'sonde lsp', env: { SONDE_CONFIG_DIR: configDir } });
    await lsp.initialize(editorInitializeParams(serviceDir, { gatewayUrl }));
    await lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text } });

    // Not signed in: the gateway refuses the connection, and says how to get in.
    await lsp.waitFor((n) => n.method === 'window/logMessage' || n.method === 'window/showMessage' ? /no credentials: this gateway checks identity/.test(String((n.params as { message: string }).message)) : false, 'the gateway\'s refusal, shown');

    const mark = lsp.notifications.length;
    const started = await lsp.request<{ required: boolean; userCode: string; verificationUri: string; verificationUriComplete?: string }>('workspace/executeCommand', { command: 'sonde.login', arguments: [] });
    assert.equal(started.required, true);
    assert.match(started.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
    const shown = await lsp.waitFor((n) => n.method === 'window/showMessage' && String((n.params as { message: string }).message).includes(started.userCode), 'the code and the page, in a message', mark);
    const page = /open (\S+) and confirm/.exec((shown.params as { message: string }).message)![1]!;
    assert.equal(page, started.verificationUriComplete ?? started.verificationUri);

    await approveInBrowser(browser, page, 'ada');
    await lsp.waitFor((n) => n.method === 'window/showMessage' && /signed in as ada/.test(String((n.params as { message: string }).message)), 'signed in', mark, 30_000);

    const store = join(configDir, 'tokens.json');
    assert.equal(statSync(store).mode & 0o777, 0o600, 'the refresh token is readable by its owner only');
    assert.match(readFileSync(store, 'utf8'), /"refreshToken": "ey/);

    // Connected as ada: a log added from the editor fires in the service and comes back.
    const added = await addLogWhenConnected(lsp, 'signed-in {name}');
    const admin = await ProtocolPeer.connect(gatewayUrl, '/v1/client', { authorization: `Bearer ${await accessFor(kc, 'root')}` });
    const list = await admin.request({ listActions: {} });
    admin.close();
    assert.deepEqual(list.actionList?.actions?.map((a) => [a.action?.id, a.action?.creator]), [[added.actionId, 'ada']]);
    await fetch(`${service!.url}/grace`);
    await lsp.waitFor((n) => n.method === 'sonde/log' && String((n.params as { text: string }).text).includes('signed-in grace'), 'the line from the service', mark);
    const settled = lsp.notifications.length;

    // Three token lifetimes and more, the session goes on: each token renewed on the open connection, no
    // reconnection, and every line the service logs meanwhile arrives (a request every 250 ms for 10 s).
    const names: string[] = [];
    for (let i = 0; i < 40; i++) {
      names.push(`hopper${i}`);
      await fetch(`${service!.url}/hopper${i}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await lsp.waitFor((n) => n.method === 'sonde/log' && String((n.params as { text: string }).text).includes(`signed-in ${names.at(-1)}`), 'the last line', settled);
    const arrived = lsp.notifications.slice(settled).filter((n) => n.method === 'sonde/log').map((n) => String((n.params as { text: string }).text).replace('signed-in ', ''));
    assert.deepEqual(arrived, names, 'every line arrived, in order');
    const logged = lsp.notifications.slice(settled).filter((n) => n.method === 'window/logMessage').map((n) => String((n.params as { message: string }).message));
    assert.ok(logged.filter((m) => /renewed the access token on the open connection/.test(m)).length >= 3, `renewed in place at each lifetime: ${logged.join(' | ')}`);
    assert.deepEqual(logged.filter((m) => /reconnecting|connected to the gateway/.test(m)), [], 'no reconnection');
    const shownAfter = lsp.notifications.slice(settled).filter((n) => n.method === 'window/showMessage' && (n.params as { type: number }).type <= 2);
    assert.deepEqual(shownAfter.map((n) => (n.params as { message: string }).message), [], 'no error or warning was shown');
  });
});

/** sonde.addLog, retried while the language server is still reconnecting with its new token. */
async function addLogWhenConnected(lsp: LspClient, format: string): Promise<{ actionId: string }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri, line: HELLO_LINE, format }] });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
