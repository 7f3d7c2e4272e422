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
    service = start('java', [`-javaagent:${agentJar}`, '-jar', serviceJar], { name: 'java-service', cwd: serviceDir, env: { ...process.env, PORT: '0', SONDE_GATEWAY_URL: gateway.url, SONDE_TAGS: 'e2e' } });
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
});
