// Wires an LSP connection to Sonde's features and the gateway client to the
// action mirror. Nothing else lives here: each feature is its own module.
import {
  CodeLensRefreshRequest,
  InlayHintRefreshRequest,
  LogMessageNotification,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SONDE_VERSION } from '@sonde/protocol';
import { ActionMirror, GatewayClient, RecentLogs, SnapshotStore, TokenRenewal, TokenStore, configDir, expiredText, type GatewayClientOptions } from '@sonde/client-core';
import { Login } from './login.js';
import { executeCommand } from './commands/index.js';
import { documentLines } from './document-lines.js';
import { allCommands, SondeActionStateNotification, SondeLogNotification } from './lsp-protocol.js';
import { checkCodeActionParams, checkCodeLensParams, checkExecuteCommandParams, checkHoverParams, checkInlayHintParams } from './request-params.js';
import { readSettings } from './settings.js';
import { loadTarget, Workspace } from './workspace.js';
import { codeActions } from './features/code-actions.js';
import { codeLenses } from './features/code-lens.js';
import { DiagnosticsPublisher } from './features/diagnostics.js';
import { OutageReporter, type StatusMessage } from './features/gateway-status.js';
import { logOutputs } from './features/log-output.js';
import { hover } from './features/hover.js';
import { inlayHints } from './features/inlay-hints.js';
import { Refresher } from './features/refresh.js';

export interface ServerOptions {
  /** Environment to read SONDE_GATEWAY_URL from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Minimum time between two lens refreshes / sonde/actionState flushes. Default 500 ms. */
  refreshIntervalMs?: number;
  /** Overrides for the gateway client (retry delays, timeouts). */
  gateway?: Omit<Partial<GatewayClientOptions>, 'url' | 'subscribe'>;
}

const NO_GATEWAY = 'no gateway URL is configured; set initializationOptions.gatewayUrl or SONDE_GATEWAY_URL and restart the language server';

export interface SondeServer {
  /** The editor sent shutdown: ending now is an orderly exit. */
  shutdownRequested(): boolean;
}

export function createServer(connection: Connection, options: ServerOptions = {}): SondeServer {
  const documents = new TextDocuments(TextDocument);
  let workspace = new Workspace(undefined);
  const lines = documentLines(documents, () => workspace.root);
  const mirror = new ActionMirror();
  const recent = new RecentLogs();
  const snapshots = new SnapshotStore();
  let inlayHintsAsked = false;
  let refreshHints: (() => void) | undefined;
  let target: ReturnType<typeof loadTarget>['target'];
  let client: GatewayClient | undefined;
  let noGatewayReason = NO_GATEWAY;
  let literalSupport = false;
  let problems: string[] = [];
  let refresher: Refresher | undefined;
  let diagnostics: DiagnosticsPublisher | undefined;
  let login: Login | undefined;
  let canShowDocument = false;

  const say = (m: StatusMessage | undefined): void => {
    if (!m) return;
    const params = { type: m.type, message: m.message };
    if (m.show) void connection.sendNotification(ShowMessageNotification.type, params);
    else void connection.sendNotification(LogMessageNotification.type, params);
  };
  const showMessage = (type: MessageType, message: string): void => say({ show: true, type, message });
  const changed = (changes: Parameters<Refresher['enqueue']>[0]): void => refresher?.enqueue(changes);

  connection.onInitialize((params): InitializeResult => {
    workspace = Workspace.fromInitialize(params);
    const settings = readSettings(params.initializationOptions, options.env ?? process.env);
    const loaded = loadTarget(workspace.root, settings.target);
    target = loaded.target;
    problems = [...settings.problems, ...(loaded.problem ? [`${loaded.problem}; actions are not narrowed to any app, tag or agent`] : [])];
    literalSupport = params.capabilities.textDocument?.codeAction?.codeActionLiteralSupport !== undefined;
    const refreshSupported = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    inlayHintsAsked = params.capabilities.textDocument?.inlayHint !== undefined;
    if (params.capabilities.workspace?.inlayHint?.refreshSupport === true) refreshHints = hintRefresher(() => connection.sendRequest(InlayHintRefreshRequest.type).catch((err: Error) => connection.console.warn(`workspace/inlayHint/refresh failed: ${err.message}`)));

    diagnostics = new DiagnosticsPublisher({
      mirror,
      workspace,
      lines,
      send: (uri, list) => void connection.sendDiagnostics({ uri, diagnostics: list }),
    });
    const publisher = diagnostics;
    refresher = new Refresher({
      mirror,
      workspace,
      intervalMs: options.refreshIntervalMs,
      sendActionState: (p) => void connection.sendNotification(SondeActionStateNotification, p),
      publishDiagnostics: (files) => publisher.update(files),
      // Only clients that advertise it may get it (Neovim answers -32601, eglot ignores it).
      refreshLenses: refreshSupported
        ? () => void connection.sendRequest(CodeLensRefreshRequest.type).catch((err: Error) => connection.console.warn(`workspace/codeLens/refresh failed: ${err.message}`))
        : undefined,
    });

    canShowDocument = params.capabilities.window?.showDocument?.support === true;
    if (settings.gatewayUrl) {
      try {
        const signIn = new Login(settings.gatewayUrl, new TokenStore(configDir(options.env ?? process.env)), {
          open: (uri) => (canShowDocument ? connection.window.showDocument({ uri, external: true }).then((r) => r.success, () => false) : Promise.resolve(false)),
          info: (message) => showMessage(MessageType.Info, message),
          error: (message) => showMessage(MessageType.Error, message),
          reconnect: () => client?.reconnectNow(),
        });
        client = new GatewayClient({
          token: () => signIn.accessToken(),
          ...options.gateway,
          url: settings.gatewayUrl,
          subscribe: true,
          log: (m) => connection.console.error(`gateway client: ${m}`),
        });
        login = signIn;
        new TokenRenewal(client, {
          dueAtMs: () => signIn.renewalDueAtMs(),
          accessToken: () => signIn.accessToken(),
          log: (m) => connection.console.log(`Sonde: ${m}`),
        });
      } catch (err) {
        noGatewayReason = `${(err as Error).message} (from ${params.initializationOptions?.gatewayUrl ? 'initializationOptions.gatewayUrl' : 'SONDE_GATEWAY_URL'})`;
      }
    }
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: true,
        codeLensProvider: { resolveProvider: false },
        hoverProvider: true,
        // Only to clients that draw them; the hover shows the same values to all.
        ...(inlayHintsAsked ? { inlayHintProvider: true } : {}),
        executeCommandProvider: { commands: allCommands },
      },
      serverInfo: { name: 'sonde', version: SONDE_VERSION },
    };
  });

  connection.onInitialized(() => {
    for (const problem of problems) showMessage(MessageType.Warning, `Sonde: ${problem}`);
    if (!client) {
      showMessage(MessageType.Warning, `Sonde: ${noGatewayReason}`);
      return;
    }
    const outages = new OutageReporter('initializationOptions.gatewayUrl or SONDE_GATEWAY_URL');
    client.on('connected', (e) => say(outages.connected(e)));
    client.on('disconnected', (e) => say(outages.disconnected(e)));
    // After every (re)connection the gateway's list is the truth.
    client.on('subscribed', (actions) => changed(mirror.reset(actions)));
    client.on('actionInfo', (info) => changed(mirror.upsert(info)));
    client.on('actionRemoved', ({ actionId }) => {
      recent.drop(actionId);
      snapshots.drop(actionId);
      const entry = mirror.get(actionId);
      const changes = mirror.remove(actionId);
      // Its lens just goes: say why, since nobody removed it.
      if (entry && changes.some((c) => c.expired)) say({ show: false, type: MessageType.Info, message: `[sonde] ${expiredText(entry)}` });
      changed(changes);
    });
    client.on('events', (events) => {
      changed(mirror.applyEvents(events));
      if (snapshots.addEvents(events).length > 0) refreshHints?.();
      for (const out of logOutputs(events, mirror, workspace)) {
        const n = out.notification;
        recent.add(n.actionId, { timeMs: n.timeMs, agentId: n.agentId, text: n.text });
        void connection.sendNotification(LogMessageNotification.type, out.message);
        void connection.sendNotification(SondeLogNotification, out.notification);
      }
    });
    client.on('protocolError', ({ message }) => connection.console.warn(`Sonde gateway: ${message}`));
    client.connect();
  });

  documents.onDidOpen(({ document }) => {
    workspace.remember(document.uri);
    const file = workspace.pathOf(document.uri);
    if (file !== undefined) diagnostics?.update([file]);
  });

  // Params are checked here, at the edge: features get well-formed positions.
  connection.onCodeAction((params) => codeActions(checkCodeActionParams(params, lines), { mirror, workspace, lines, literalSupport, who: login && { me: login.me, mayRemoveOthers: login.mayRemoveOthers } }));
  connection.onCodeLens((params) => codeLenses(checkCodeLensParams(params).textDocument.uri, mirror, workspace, login?.me));
  connection.onHover((params) => hover(checkHoverParams(params, lines), mirror, workspace, recent, snapshots, login && { me: login.me, mayRemoveOthers: login.mayRemoveOthers }));
  connection.languages.inlayHint.on((params) => inlayHints(checkInlayHintParams(params), { mirror, workspace, snapshots, lines }));
  connection.onExecuteCommand((params) =>
    executeCommand(checkExecuteCommandParams(params), { mirror, snapshots, workspace, lines, target, gateway: client, noGatewayReason, changed, showMessage, login }),
  );

  let shutdown = false;
  connection.onShutdown(async () => {
    shutdown = true;
    refresher?.dispose();
    await client?.close();
  });

  documents.listen(connection);
  return { shutdownRequested: () => shutdown };
}

/** Asks the client to pull inlay hints again, at most once per HINT_REFRESH_MS however many snapshots arrive. */
const HINT_REFRESH_MS = 200;
function hintRefresher(send: () => Promise<void>): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void send();
    }, HINT_REFRESH_MS);
    timer.unref();
  };
}
