// The language server as an editor runs it: a child process on stdio,
// against the real gateway (in-process) and, where an agent is needed, a
// scripted agent on the gateway's agent endpoint.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  CodeLens,
  InitializeResult,
  LogMessageParams,
  PublishDiagnosticsParams,
  ShowMessageParams,
} from 'vscode-languageserver-protocol';
import { sonde } from '@sonde/protocol';
import { GatewayClient } from '@sonde/client-core';
import type { AddLogResult, SondeActionStateParams, SondeLogParams } from '../src/lsp-protocol.js';
import { ScriptedAgent } from '@sonde/rpc/testing';
import { startTestGateway, type TestGateway } from '@sonde/agent-gateway/testing';
import { LspClient } from '../src/testing/lsp-client.js';

const { ActionStateKind } = sonde.v1;
const MessageType = { Error: 1, Warning: 2, Info: 3, Log: 4 } as const;

const serverJs = ["const express = require('express');", "app.get('/hello', (req, res) => {", "  const name = req.query.name;", "  return 'Hello: ' + name;", '});', ''].join('\n');

describe('sonde lsp over stdio', function () {
  this.timeout(30_000);
  let gateway: TestGateway;
  let root: string;
  let rootUri: string;
  let fileUri: string;
  let lsp: LspClient | undefined;
  const agents: ScriptedAgent[] = [];

  beforeEach(async () => {
    gateway = await startTestGateway();
    root = mkdtempSync(join(tmpdir(), 'sonde-lsp-ws-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'server.js'), serverJs);
    rootUri = pathToFileURL(root).href;
    fileUri = pathToFileURL(join(root, 'src', 'server.js')).href;
  });

  afterEach(async function () {
    for (const a of agents.splice(0)) a.close();
    if (lsp) {
      if (this.currentTest?.state === 'failed') process.stderr.write(`language server stderr:\n${lsp.stderr.join('')}\n`);
      lsp.kill();
      lsp = undefined;
    }
    await gateway.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function initialize(opts: { refreshSupport: boolean; initializationOptions?: object; env?: NodeJS.ProcessEnv }): Promise<InitializeResult> {
    lsp = LspClient.start({ env: opts.env ?? {} });
    const result = await lsp.connection.sendRequest<InitializeResult>('initialize', {
      processId: null,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'shop' }],
      capabilities: {
        workspace: { codeLens: { refreshSupport: opts.refreshSupport } },
        textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } },
      },
      initializationOptions: opts.initializationOptions ?? { gatewayUrl: gateway.url },
    });
    await lsp.connection.sendNotification('initialized', {});
    await lsp.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: fileUri, languageId: 'javascript', version: 1, text: serverJs } });
    return result;
  }

  async function codeActionsAt(line: number): Promise<CodeAction[]> {
    return lsp!.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: fileUri },
      range: { start: { line, character: 2 }, end: { line, character: 2 } },
      context: { diagnostics: [] },
    });
  }

  async function lensTitles(): Promise<string[]> {
    const lenses = await lsp!.connection.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: fileUri } });
    return lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`);
  }

  /** Waits for the gateway to hold a client subscription (the server subscribes once connected). */
  async function subscribed(): Promise<void> {
    for (;;) {
      const health = (await (await fetch(`${gateway.url}/health`)).json()) as { clients: number };
      if (health.clients > 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('advertises its commands, code actions and lenses', async () => {
    const result = await initialize({ refreshSupport: true });
    assert.deepEqual(result.capabilities.executeCommandProvider?.commands, ['sonde.addLog', 'sonde.addCounter', 'sonde.addMetric', 'sonde.addTicToc', 'sonde.addSnapshot', 'sonde.removeLog', 'sonde.showAction', 'sonde.showSnapshot', 'sonde.login', 'sonde.logout']);
    assert.ok(result.capabilities.codeActionProvider);
    assert.ok(result.capabilities.codeLensProvider);
    assert.equal(result.capabilities.inlayHintProvider, undefined, 'no inlay hints to a client that does not draw them');
    assert.equal(await lsp!.stop(), 0);
    assert.deepEqual(lsp!.streamErrors, [], 'nothing but LSP on stdout');
  });

  it('fails "add log" with the gateway\'s reason when no agent can see the file, and shows it', async () => {
    await initialize({ refreshSupport: true });
    await subscribed();
    const [add] = await codeActionsAt(3);
    assert.equal(add?.title, 'Sonde: add log here');
    assert.deepEqual(add?.command?.arguments, [{ uri: fileUri, line: 3, format: 'name={name}' }]);

    const err = await lsp!.connection.sendRequest('workspace/executeCommand', add!.command).then(
      () => assert.fail('the command should fail: no agent is connected'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ResponseError, String(err));
    assert.match(err.message, /could not add a log at src\/server\.js:4: no connected agent can see src\/server\.js/);
    assert.deepEqual(err.data, { gatewayCode: 'not_found' });
    const shown = await lsp!.notification<ShowMessageParams>('window/showMessage', (p) => p.type === MessageType.Error);
    assert.equal(shown.message, err.message);
  });

  it('adds a log, streams its lines and hits into the editor, shows errors at the line, and removes it', async () => {
    writeFileSync(join(root, '.sonde.json'), JSON.stringify({ target: { appName: 'shop' } }));
    const agent = await ScriptedAgent.connect(gateway.url, { agentId: 'agent-1', appName: 'shop' }, ['/srv/app/src/server.js']);
    agents.push(agent);
    await initialize({ refreshSupport: true });
    await subscribed();

    const [add] = await codeActionsAt(3);
    const result = (await lsp!.connection.sendRequest('workspace/executeCommand', add!.command)) as AddLogResult;
    assert.deepEqual({ ...result, actionId: '' }, { actionId: '', format: 'name={name}', file: 'src/server.js', line: 3 });
    // What the agent got: the protocol's 1-based line, the relative path, the workspace's target.
    const action = await agent.waitForAction((a) => a.id === result.actionId);
    assert.deepEqual([action.location?.file, action.location?.line], ['src/server.js', 4]);
    assert.equal(action.target?.appName, 'shop');
    assert.equal(action.format, 'name={name}');
    // The line's text and its context, so an agent whose file differs can find the line.
    const lines = serverJs.split('\n');
    assert.deepEqual([action.lineText, action.linesBefore, action.linesAfter], [lines[3], lines.slice(1, 3), lines.slice(4, 6)]);

    agent.sendEvents([
      { state: { actionId: result.actionId, agentId: 'agent-1', state: ActionStateKind.ACTION_STATE_KIND_ACTIVE } },
      { log: { actionId: result.actionId, agentId: 'agent-1', text: 'name=world', timeMs: Date.UTC(2025, 0, 1) } },
      { hits: { actionId: result.actionId, agentId: 'agent-1', hits: 3 } },
    ]);
    const log = await lsp!.notification<SondeLogParams>('sonde/log');
    assert.deepEqual(log, {
      actionId: result.actionId,
      agentId: 'agent-1',
      timeMs: Date.UTC(2025, 0, 1),
      time: '2025-01-01T00:00:00.000Z',
      text: 'name=world',
      level: 'unspecified',
      uri: fileUri,
      line: 3,
    });
    await lsp!.notification<LogMessageParams>('window/logMessage', (p) => p.message === '[sonde] src/server.js:4 agent-1: name=world');
    const counted = await lsp!.notification<SondeActionStateParams>('sonde/actionState', (p) => p.hits === 3);
    assert.deepEqual(counted, {
      actionId: result.actionId,
      uri: fileUri,
      line: 3,
      kind: 'log',
      format: 'name={name}',
      state: 'active',
      hits: 3,
      agents: [{ agentId: 'agent-1', state: 'active' }],
    });
    await lsp!.serverRequest('workspace/codeLens/refresh');
    assert.deepEqual(await lensTitles(), ['3: log "name={name}" · 3 hits']);
    // Clicking the lens shows the action; it changes nothing.
    const [lens] = await lsp!.connection.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: fileUri } });
    const shown = (await lsp!.connection.sendRequest('workspace/executeCommand', lens!.command)) as { text: string };
    assert.match(shown.text, /^Sonde log "name=\{name\}" at src\/server\.js:4 · 3 hits · active · agents: agent-1: active/);
    await lsp!.notification<ShowMessageParams>('window/showMessage', (p) => p.type === MessageType.Info && p.message === shown.text);

    agent.sendEvents([{ state: { actionId: result.actionId, agentId: 'agent-1', state: ActionStateKind.ACTION_STATE_KIND_ERROR, reason: 'name is not defined at this line' } }]);
    const diagnostics = await lsp!.notification<PublishDiagnosticsParams>('textDocument/publishDiagnostics', (p) => p.diagnostics.length > 0);
    assert.equal(diagnostics.uri, fileUri);
    assert.equal(diagnostics.diagnostics[0]?.range.start.line, 3);
    assert.equal(diagnostics.diagnostics[0]?.message, 'Sonde log "name={name}" failed on agent agent-1: name is not defined at this line');
    assert.deepEqual(await lensTitles(), ['3: log "name={name}" · 3 hits · error: name is not defined at this line']);

    const remove = (await codeActionsAt(3)).find((a) => a.title === 'Sonde: remove log');
    assert.ok(remove, 'a remove action on the line that has the log');
    assert.deepEqual(await lsp!.connection.sendRequest('workspace/executeCommand', remove.command), { removed: [result.actionId] });
    await lsp!.notification<SondeActionStateParams>('sonde/actionState', (p) => p.state === 'removed' && p.actionId === result.actionId);
    await lsp!.notification<PublishDiagnosticsParams>('textDocument/publishDiagnostics', (p) => p.diagnostics.length === 0);
    assert.deepEqual(await lensTitles(), []);
    // The gateway told the agent to drop it.
    await agent.waitUntil(() => !agent.actions.has(result.actionId));
  });

  it('carries the agent\'s reason code on diagnostics and on sonde/actionState', async () => {
    const agent = await ScriptedAgent.connect(gateway.url, { agentId: 'agent-1' }, ['/srv/app/src/server.js']);
    agents.push(agent);
    await initialize({ refreshSupport: false });
    await subscribed();
    const result = (await lsp!.connection.sendRequest('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: fileUri, line: 3 }] })) as AddLogResult;
    await agent.waitForAction((a) => a.id === result.actionId);

    agent.sendEvents([
      {
        state: {
          actionId: result.actionId,
          agentId: 'agent-1',
          state: ActionStateKind.ACTION_STATE_KIND_ERROR,
          reason: 'src/server.js matches two loaded files',
          reasonCode: sonde.v1.ReasonCode.REASON_CODE_AMBIGUOUS_PATH,
        },
      },
    ]);
    const diagnostics = await lsp!.notification<PublishDiagnosticsParams>('textDocument/publishDiagnostics', (p) => p.diagnostics.length > 0);
    assert.equal(diagnostics.diagnostics[0]?.code, 'action-error');
    assert.deepEqual(diagnostics.diagnostics[0]?.data, { actionId: result.actionId, agentId: 'agent-1', reasonCode: 'ambiguous_path' });
    const state = await lsp!.notification<SondeActionStateParams>('sonde/actionState', (p) => p.state === 'error');
    assert.equal(state.reason, 'src/server.js matches two loaded files');
    assert.equal(state.reasonCode, 'ambiguous_path');
    assert.deepEqual(state.agents, [{ agentId: 'agent-1', state: 'error', reason: 'src/server.js matches two loaded files', reasonCode: 'ambiguous_path' }]);
  });

  it('says once that the gateway is unreachable, then connects and rebuilds its actions from the subscription', async () => {
    // An action the gateway stores before the editor starts.
    const agent = await ScriptedAgent.connect(gateway.url, { agentId: 'agent-1' }, ['/srv/app/src/server.js']);
    agents.push(agent);
    const cli = new GatewayClient({ url: gateway.url, log: () => {} });
    await cli.waitConnected();
    const info = await cli.addAction({ kind: sonde.v1.ActionKind.ACTION_KIND_LOG, location: { file: 'src/server.js', line: 3 }, format: 'req.query={req.query}' });
    await cli.close();
    await gateway.stop();

    // The URL from the environment this time; a client without lens refresh.
    await initialize({ refreshSupport: false, initializationOptions: {}, env: { SONDE_GATEWAY_URL: gateway.url } });
    const warning = await lsp!.notification<ShowMessageParams>('window/showMessage', (p) => /cannot reach the gateway/.test(p.message));
    assert.equal(warning.type, MessageType.Warning);
    assert.match(warning.message, /retrying in the background/);

    await gateway.restart();
    const state = await lsp!.notification<SondeActionStateParams>('sonde/actionState', (p) => p.actionId === info.action?.id);
    assert.equal(state.line, 2);
    assert.deepEqual(await lensTitles(), ['2: log "req.query={req.query}" · 0 hits · waiting for agents']);
    // The lens request above was answered after the flush that sent sonde/actionState,
    // so a refresh request from that flush would have arrived before it.
    assert.deepEqual(lsp!.requests.filter((r) => r.method === 'workspace/codeLens/refresh'), []);
    const warnings = lsp!.notifications.filter((n) => n.method === 'window/showMessage' && /gateway/.test(String(n.params.message)));
    assert.equal(warnings.length, 1);
    await lsp!.notification<LogMessageParams>('window/logMessage', (p) => /connected to the gateway/.test(p.message));
  });

  it('without a gateway URL, says how to set one and fails commands with that', async () => {
    await initialize({ refreshSupport: true, initializationOptions: {} });
    const warning = await lsp!.notification<ShowMessageParams>('window/showMessage');
    assert.match(warning.message, /set initializationOptions\.gatewayUrl or SONDE_GATEWAY_URL/);
    const [add] = await codeActionsAt(3);
    await assert.rejects(lsp!.connection.sendRequest('workspace/executeCommand', add!.command), /no gateway URL is configured/);
    // Bad arguments are refused with what is expected.
    await assert.rejects(
      lsp!.connection.sendRequest('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: fileUri, line: -1 }] }),
      (e: unknown) => e instanceof ResponseError && e.code === -32602 && /line must be a non-negative integer/.test(e.message),
    );
    assert.equal(await lsp!.stop(), 0);
  });
});
