// What the editor shows must be true: over stdio, against the real gateway
// and a scripted agent, an action whose agents all disconnected does not read
// like one about to start, and one that expired says so as it goes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens, LogMessageParams } from 'vscode-languageserver-protocol';
import { sonde } from '@sonde/protocol';
import { GatewayClient } from '@sonde/client-core';
import { ScriptedAgent } from '@sonde/rpc/testing';
import { startTestGateway, type TestGateway } from '@sonde/agent-gateway/testing';
import type { AddLogResult, SondeActionStateParams } from '../src/lsp-protocol.js';
import { LspClient, editorInitializeParams } from '../src/testing/lsp-client.js';

const { ActionStateKind } = sonde.v1;
const serverJs = ["app.get('/hello', (req, res) => {", '  const name = req.query.name;', "  return 'Hello: ' + name;", '});', ''].join('\n');

describe('sonde lsp over stdio: states that are true', function () {
  this.timeout(30_000);
  let gateway: TestGateway;
  let root: string;
  let fileUri: string;
  let lsp: LspClient | undefined;
  const agents: ScriptedAgent[] = [];

  beforeEach(async () => {
    gateway = await startTestGateway();
    root = mkdtempSync(join(tmpdir(), 'sonde-lsp-states-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'server.js'), serverJs);
    fileUri = pathToFileURL(join(root, 'src', 'server.js')).href;
  });

  afterEach(async function () {
    for (const a of agents.splice(0)) a.close();
    if (lsp) {
      if (this.currentTest?.state === 'failed') process.stderr.write(`language server stderr:\n${lsp.output()}\n`);
      lsp.kill();
      lsp = undefined;
    }
    await gateway.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function start(): Promise<LspClient> {
    lsp = LspClient.start();
    await lsp.initialize(editorInitializeParams(root, { gatewayUrl: gateway.url }));
    await lsp.notify('textDocument/didOpen', { textDocument: { uri: fileUri, languageId: 'javascript', version: 1, text: serverJs } });
    for (;;) {
      const health = (await (await fetch(`${gateway.url}/health`)).json()) as { clients: number };
      if (health.clients > 0) return lsp;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function lensTitles(): Promise<string[]> {
    const lenses = await lsp!.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: fileUri } });
    return lenses.map((l) => l.command?.title ?? '');
  }

  it('names the agent that disconnected once no agent holds the action, and drops that when it is back', async () => {
    const agent = await ScriptedAgent.connect(gateway.url, { agentId: 'agent-1' }, ['/srv/app/src/server.js']);
    agents.push(agent);
    await start();
    const { actionId } = await lsp!.request<AddLogResult>('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: fileUri, line: 2 }] });
    assert.deepEqual(await lensTitles(), ['log "name={name}" · 0 hits · waiting for agents'], 'no agent reported yet');
    await agent.waitForAction((a) => a.id === actionId);
    agent.sendEvents([{ state: { actionId, agentId: 'agent-1', state: ActionStateKind.ACTION_STATE_KIND_ACTIVE } }]);
    await lsp!.notification<SondeActionStateParams>('sonde/actionState', (p) => p.state === 'active');
    assert.deepEqual(await lensTitles(), ['log "name={name}" · 0 hits']);

    const from = lsp!.notifications.length;
    agent.close();
    await lsp!.waitFor((n) => n.method === 'sonde/actionState' && n.params.state === 'unknown', 'the action with no agent state left', from);
    assert.deepEqual(await lensTitles(), ['log "name={name}" · 0 hits · waiting for agents: agent-1 disconnected']);

    const back = await ScriptedAgent.connect(gateway.url, { agentId: 'agent-1' }, ['/srv/app/src/server.js']);
    agents.push(back);
    await back.waitForAction((a) => a.id === actionId);
    back.sendEvents([{ state: { actionId, agentId: 'agent-1', state: ActionStateKind.ACTION_STATE_KIND_PENDING } }]);
    await lsp!.notification<SondeActionStateParams>('sonde/actionState', (p) => p.state === 'pending');
    assert.deepEqual(await lensTitles(), ['log "name={name}" · 0 hits · pending']);
  });

  it('says an action expired when the gateway removes it for that, and lists no agent that is not one', async () => {
    const agent = await ScriptedAgent.connect(gateway.url, { agentId: 'agent-1' }, ['/srv/app/src/server.js']);
    agents.push(agent);
    await start();
    const cli = new GatewayClient({ url: gateway.url, log: () => {} });
    await cli.waitConnected();
    const info = await cli.addAction({
      kind: sonde.v1.ActionKind.ACTION_KIND_LOG,
      location: { file: 'src/server.js', line: 3 },
      format: 'name={name}',
      expiresAtMs: Date.now() + 1500,
    });
    await cli.close();
    const actionId = info.action!.id!;
    await agent.waitForAction((a) => a.id === actionId);
    agent.sendEvents([{ state: { actionId, agentId: 'agent-1', state: ActionStateKind.ACTION_STATE_KIND_ACTIVE } }]);

    const removed = await lsp!.notification<SondeActionStateParams>('sonde/actionState', (p) => p.actionId === actionId && p.state === 'removed');
    assert.equal(removed.reason, 'expired');
    const said = await lsp!.notification<LogMessageParams>('window/logMessage', (p) => /expired/.test(p.message));
    assert.equal(said.message, '[sonde] log "name={name}" at src/server.js:3 expired after 0 hits and the gateway removed it; add it again to keep it');
    // If the gateway's EXPIRED was flushed before the removal, it spoke for the action, not as an agent of its own.
    for (const n of lsp!.notifications.filter((r) => r.method === 'sonde/actionState')) {
      const p = n.params as unknown as SondeActionStateParams;
      assert.ok(p.agents.every((a) => a.agentId !== ''), JSON.stringify(p));
    }
    assert.deepEqual(await lensTitles(), []);
  });
});
