// An editor stand-in for tests and the demo: starts a language server as a
// child process (this package's bin/sonde-lsp.js by default, or `sonde lsp`)
// and talks LSP to it over its stdin/stdout with vscode-jsonrpc, recording
// what the server sends. Exported as @sonde/lsp-server/testing; never used
// by the server itself.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type Logger, type MessageConnection } from 'vscode-jsonrpc/node';
import type { InitializeParams, InitializeResult } from 'vscode-languageserver';

/** This package's language server on stdio. */
export const sondeLspBin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'sonde-lsp.js');

/** A notification, or a request the server sent to the client. */
export interface Received {
  method: string;
  params: Record<string, unknown>;
}

export interface LspClientOptions {
  /** Arguments to node; default: this package's bin/sonde-lsp.js. `sonde lsp` is `[<cli>/bin/sonde.js, 'lsp', '--stdio']`. */
  args?: string[];
  /** Over this process's environment; SONDE_GATEWAY_URL is passed only when given here. */
  env?: NodeJS.ProcessEnv;
  /** For messages. Default: the server's program. */
  name?: string;
}

/** How long waitFor waits by default. */
const WAIT_MS = 20_000;

/** Initialize params as an editor with every Sonde-relevant capability sends them (lens and inlay hint refresh, code action literals). */
export function editorInitializeParams(rootDir: string, initializationOptions: object): InitializeParams {
  const rootUri = pathToFileURL(rootDir).href;
  return {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'root' }],
    initializationOptions,
    capabilities: {
      workspace: { codeLens: { refreshSupport: true }, inlayHint: { refreshSupport: true }, workspaceFolders: true },
      textDocument: {
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor'] } } },
        codeLens: {},
        inlayHint: {},
        publishDiagnostics: {},
      },
      window: { showDocument: { support: false } },
    },
  };
}

export class LspClient {
  readonly notifications: Received[] = [];
  /** Server → client requests, in order (e.g. workspace/codeLens/refresh). */
  readonly requests: Received[] = [];
  readonly stderr: string[] = [];
  /** Anything that broke the LSP stream (e.g. a stray write to stdout), or a shutdown that failed. */
  readonly streamErrors: string[] = [];
  /**
   * What vscode-jsonrpc reported about the server's messages: among others,
   * a response it could not match to a request, such as the -32700 reply
   * (id null) to a body that was not JSON.
   */
  readonly logged: string[] = [];
  readonly exited: Promise<number | null>;
  private listeners = new Set<() => void>();

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly connection: MessageConnection,
    readonly name: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(options: LspClientOptions = {}): LspClient {
    const env = options.env ?? {};
    const childEnv = { ...process.env, ...env };
    if (!('SONDE_GATEWAY_URL' in env)) delete childEnv.SONDE_GATEWAY_URL;
    const args = options.args ?? [sondeLspBin];
    const child = spawn(process.execPath, args, { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let client: LspClient | undefined;
    const note = (message: string): void => client?.note(message);
    const logger: Logger = { error: note, warn: note, info: () => {}, log: () => {} };
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin), logger);
    client = new LspClient(child, connection, options.name ?? args.join(' '));
    child.stderr.on('data', (d: Buffer) => client.stderr.push(d.toString()));
    connection.onError(([err]) => client.streamErrors.push(err.message));
    connection.onNotification((method, params) => client.record(client.notifications, { method, params: asParams(params) }));
    connection.onRequest((method, params) => {
      client.record(client.requests, { method, params: asParams(params) });
      // workspace/configuration wants one value per item; every other request here takes null.
      if (method === 'workspace/configuration') return (asParams(params).items as unknown[] | undefined)?.map(() => null) ?? [];
      return null;
    });
    connection.listen();
    return client;
  }

  /** Sends initialize, then initialized; resolves with the server's answer. */
  async initialize(params: InitializeParams): Promise<InitializeResult> {
    const result = await this.connection.sendRequest<InitializeResult>('initialize', params);
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Sends a request to the server. */
  request<R>(method: string, params?: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** How many times the server asked for lenses again. */
  get lensRefreshes(): number {
    return this.requests.filter((r) => r.method === 'workspace/codeLens/refresh').length;
  }

  /** The server's stderr so far. */
  output(): string {
    return this.stderr.join('');
  }

  /** The first notification (already received or still to come) at or after index `from` that matches. */
  waitFor(match: (n: Received) => boolean, what: string, from = 0, timeoutMs = WAIT_MS): Promise<Received> {
    return this.find(this.notifications, match, what, from, timeoutMs);
  }

  /** The params of the first notification of `method`, already received or still to come, that match. */
  async notification<T>(method: string, match: (params: T) => boolean = () => true): Promise<T> {
    const n = await this.waitFor((r) => r.method === method && match(r.params as T), `a ${method} notification`);
    return n.params as T;
  }

  /** The params of the first request of `method` the server sent to the client, already or still to come, that match. */
  async serverRequest<T>(method: string, match: (params: T) => boolean = () => true): Promise<T> {
    const r = await this.find(this.requests, (q) => q.method === method && match(q.params as T), `a ${method} request from the server`, 0, WAIT_MS);
    return r.params as T;
  }

  /** The first request the server sent to the client (already or still to come) at or after index `from` that matches. */
  waitForRequest(match: (r: Received) => boolean, what: string, from = 0, timeoutMs = WAIT_MS): Promise<Received> {
    return this.find(this.requests, match, what, from, timeoutMs);
  }

  /** The first thing vscode-jsonrpc reported (see `logged`), already or still to come, that matches. */
  waitForLogged(match: (message: string) => boolean, what: string, timeoutMs = WAIT_MS): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.logged.find(match);
        if (found === undefined) return;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`waited ${timeoutMs} ms for ${what}; vscode-jsonrpc reported: ${JSON.stringify(this.logged).slice(0, 4000)}\n${this.name} stderr:\n${this.output()}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Shuts down the way an editor does and waits for the process to exit (killing it if it does not); resolves with its exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        await this.connection.sendNotification('exit');
      } catch (err) {
        this.streamErrors.push(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(killer);
    }
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
    this.connection.dispose();
  }

  private note(message: string): void {
    this.logged.push(message);
    for (const l of [...this.listeners]) l();
  }

  private record(list: Received[], r: Received): void {
    list.push(r);
    for (const l of [...this.listeners]) l();
  }

  private find(list: Received[], match: (r: Received) => boolean, what: string, from: number, timeoutMs: number): Promise<Received> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = list.slice(from).find(match);
        if (!found) return;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`waited ${timeoutMs} ms for ${what}; received: ${JSON.stringify(list.slice(from)).slice(0, 4000)}\n${this.name} stderr:\n${this.output()}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }
}

function asParams(params: unknown): Record<string, unknown> {
  return params !== null && typeof params === 'object' ? (params as Record<string, unknown>) : {};
}
