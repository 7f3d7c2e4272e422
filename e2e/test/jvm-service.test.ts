// The JVM agent end to end: the Java service (examples/java-service, the
// JDK's own HTTP server) runs with `java -javaagent:sonde-agent.jar`; `sonde
// lsp` over stdio adds a log at `return "Hello: " + name;`, GET /aa, and
// the line comes back with the JVM agent's id; the lens counts the hit; the
// log is removed and the method runs its original bytes again.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens } from 'vscode-languageserver-protocol';
import type { LspClient } from '@sonde/lsp-server/testing';
import { lensMatching, runCommand } from './support/editor-actions.js';
import { openEditor } from './support/editor-stack.js';
import { repoRoot, start, startGateway, type Proc } from './support/processes.js';

const agentJar = join(repoRoot, 'agents', 'jvm', 'target', 'sonde-agent-0.1.0.jar');
const serviceDir = join(repoRoot, 'examples', 'java-service');
const serviceJar = join(serviceDir, 'target', 'java-service-0.1.0.jar');
const sourceFile = join(serviceDir, 'src', 'main', 'java', 'dev', 'sonde', 'example', 'HelloService.java');
const sourceUri = pathToFileURL(sourceFile).href;
const sourceText = readFileSync(sourceFile, 'utf8');
const line = sourceText.split('\n').findIndex((l) => l.includes('return "Hello: " + name;'));

describe('the JVM agent: sonde lsp → gateway → the agent in a Java service → back', function () {
  this.timeout(120_000);
  let gateway: { proc: Proc; url: string };
  let service: Proc;
  let serviceUrl: string;
  let lsp: LspClient;

  before(async function () {
    assert.ok(existsSync(agentJar) && existsSync(serviceJar), `no ${agentJar} or ${serviceJar}: npm test builds them (scripts/jvm.mjs)`);
    gateway = await startGateway(0, mkdtempSync(join(tmpdir(), 'sonde-e2e-jvm-')));
    service = start('java', [`-javaagent:${agentJar}`, '-jar', serviceJar], { name: 'java-service', cwd: serviceDir, env: { ...process.env, PORT: '0', SONDE_GATEWAY_URL: gateway.url, SONDE_TAGS: 'e2e', SONDE_METRIC_INTERVAL_MS: '300' } });
    serviceUrl = (await service.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    await service.waitFor(/sonde agent: connected to/);
    lsp = await openEditor(gateway.url, sourceUri, sourceText, 'java');
  });

  after(async () => {
    await lsp?.stop();
    await service?.stop();
    await gateway?.proc.stop();
  });

  it('logs Hello {name} in a running method: the line comes back with the agent, the lens counts it, removal restores the method', async () => {
    assert.ok(line > 0, 'the service has the line');
    assert.equal(await (await fetch(`${serviceUrl}/warm`)).text(), 'Hello: warm', 'the service answers before any probe');
    const mark = lsp.notifications.length;
    const added = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: sourceUri, line, format: 'Hello {name}' }] });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === added.actionId && n.params.state === 'active', 'the log to become active', mark);
    assert.equal(await (await fetch(`${serviceUrl}/aa`)).text(), 'Hello: aa', 'the service answers as before');
    const logged = await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.text === 'Hello aa', 'the line Hello aa', mark);
    assert.match(String(logged.params.agentId), /^jvm-.+-\d+-[0-9a-f]{4}$/, 'with the JVM agent\'s host and pid');
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === added.actionId && n.params.hits === 1, 'the hit count', mark);
    const lens = (await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: sourceUri } })).find((l) => l.range.start.line === line);
    assert.match(lens?.command?.title ?? '', /log "Hello \{name\}" · 1 hit\b/);

    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId: added.actionId }] });
    const after = lsp.notifications.length;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await (await fetch(`${serviceUrl}/bb`)).text(), 'Hello: bb');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!lsp.notifications.slice(after).some((n) => n.method === 'sonde/log' && n.params.text === 'Hello bb'), 'no line once the log is removed');
  });

  it('counts, measures and times in the running service: a counter, a metric of name.length() and a tic-toc between two lines of the handler', async () => {
    const handler = sourceText.split('\n').findIndex((l) => l.includes('String name = exchange.getRequestURI()'));
    const sent = sourceText.split('\n').findIndex((l) => l.includes('exchange.sendResponseHeaders(200'));
    assert.ok(handler > 0 && sent > handler, 'the handler\'s lines');
    await runCommand(lsp, 'sonde.addCounter', { uri: sourceUri, line });
    await runCommand(lsp, 'sonde.addMetric', { uri: sourceUri, line, expression: 'name.length()' });
    await runCommand(lsp, 'sonde.addTicToc', { uri: sourceUri, line: handler, endLine: sent });
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all(['bb', 'dddd', 'ffffff'].map(async (name) => assert.equal(await (await fetch(`${serviceUrl}/${name}`)).text(), `Hello: ${name}`)));
    await lensMatching(lsp, sourceUri, line, /^counter · 3 hits · [\d.]+\/s$/, 'the counter with 3 hits');
    const metric = await lensMatching(lsp, sourceUri, line, /^metric "name\.length\(\)" · 3 hits · p50 [\d.]+ · max 6$/, 'the metric with its p50 and max');
    assert.ok(Math.abs(Number(/p50 ([\d.]+)/.exec(metric)![1]) - 4) <= 0.05, `p50 of 2, 4 and 6 within 1 %: ${metric}`);
    const tictoc = await lensMatching(lsp, sourceUri, handler, /^tictoc · 3 hits · p50 [\d.]+ ms · p99 [\d.]+ ms$/, 'the tic-toc with 3 hits');
    const [p50, p99] = [...tictoc.matchAll(/p\d\d ([\d.]+) ms/g)].map((m) => Number(m[1]));
    assert.ok(p50! >= 0 && p99! >= p50! && p99! < 1000, tictoc);
    // The function form: each whole call of greet, from its declaration's line.
    const greetLine = sourceText.split('\n').findIndex((l) => l.includes('static String greet(String name)'));
    await runCommand(lsp, 'sonde.addTicToc', { uri: sourceUri, line: greetLine });
    await new Promise((r) => setTimeout(r, 300));
    for (const name of ['t1', 't2']) await fetch(`${serviceUrl}/${name}`);
    await lensMatching(lsp, sourceUri, greetLine, /^tictoc · 2 hits · p50 [\d.]+ ms · p99 [\d.]+ ms$/, 'the whole-method tic-toc with 2 hits');
  });

  it('attaches to a service that runs without the agent (java -jar sonde-agent.jar attach PID), with the attaching shell\'s settings', async () => {
    const plain = start('java', ['-jar', serviceJar], { name: 'java-service (no agent)', cwd: serviceDir, env: { ...process.env, PORT: '0', SONDE_GATEWAY_URL: '' } });
    try {
      const url = (await plain.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
      assert.equal(await (await fetch(`${url}/warm`)).text(), 'Hello: warm', 'its classes are loaded before the agent comes');
      const attach = start('java', ['-jar', agentJar, 'attach', String(plain.child.pid)], { name: 'attach', env: { ...process.env, SONDE_GATEWAY_URL: gateway.url, SONDE_TAGS: 'e2e', SONDE_AGENT_ID: 'attached-e2e' } });
      await attach.waitFor(/sonde agent: loaded into \d+; on Java 21 and newer the target JVM prints a warning/);
      await plain.waitFor(/sonde agent: connected to \S+ as attached-e2e/);
      const mark = lsp.notifications.length;
      const added = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: sourceUri, line, format: 'attached {name}' }] });
      await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === added.actionId && JSON.stringify(n.params.agents).includes('"agentId":"attached-e2e","state":"active"'), 'the log active in the attached service', mark);
      assert.equal(await (await fetch(`${url}/cc`)).text(), 'Hello: cc');
      const logged = await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.text === 'attached cc', 'the line from the attached service', mark);
      assert.equal(logged.params.agentId, 'attached-e2e');
      await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId: added.actionId }] });
    } finally {
      await plain.stop();
    }
  });
});
