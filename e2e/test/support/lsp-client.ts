// A real LSP client over the language server's stdio, built on vscode-jsonrpc:
// what an editor does, minus the editor.
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { pathToFileURL } from 'node:url';
import { start, sondeBin, type Proc } from './processes.js';

export interface Notification {
  method: string;
  params: Record<string, unknown>;
}

export class LspClient {
  readonly notifications: Notification[] = [];
  lensRefreshes = 0;
  private listeners = new Set<() => void>();

  private constructor(readonly proc: Proc, readonly connection: MessageConnection) {}

  static async start(rootDir: string, gatewayUrl: string): Promise<LspClient> {
    const proc = start(process.execPath, [sondeBin, 'lsp', '--stdio'], { name: 'sonde lsp', pipeStdin: true });
    const connection = createMessageConnection(new StreamMessageReader(proc.child.stdout!), new StreamMessageWriter(proc.child.stdin!));
    const client = new LspClient(proc, connection);
    for (const method of ['sonde/log', 'sonde/actionState', 'window/logMessage', 'window/showMessage', 'textDocument/publishDiagnostics']) {
      connection.onNotification(method, (params: Record<string, unknown>) => client.record({ method, params }));
    }
    connection.onRequest('workspace/codeLens/refresh', () => {
      client.lensRefreshes++;
      client.record({ method: 'workspace/codeLens/refresh', params: {} });
      return null;
    });
    connection.onRequest('window/showMessageRequest', () => null);
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(rootDir).href,
      workspaceFolders: [{ uri: pathToFileURL(rootDir).href, name: 'root' }],
      initializationOptions: { gatewayUrl },
      capabilities: {
        workspace: { codeLens: { refreshSupport: true }, workspaceFolders: true },
        textDocument: {
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor'] } } },
          codeLens: {},
          publishDiagnostics: {},
        },
        window: { showDocument: { support: false } },
      },
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  private record(n: Notification): void {
    this.notifications.push(n);
    for (const l of this.listeners) l();
  }

  /** The first notification (already received or still to come) after index `from` that matches. */
  waitFor(match: (n: Notification) => boolean, what: string, from = 0, timeoutMs = 20_000): Promise<Notification> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const n = this.notifications.slice(from).find(match);
        if (n) {
          this.listeners.delete(check);
          clearTimeout(timer);
          resolve(n);
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`waited ${timeoutMs} ms for ${what}; notifications: ${JSON.stringify(this.notifications.slice(from)).slice(0, 4000)}\nserver stderr:\n${this.proc.output()}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    await this.proc.stop();
  }
}
