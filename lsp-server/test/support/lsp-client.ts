// An editor stand-in: starts bin/sonde-lsp.js as a child process and talks
// LSP to it over its stdin/stdout with vscode-jsonrpc, recording what the
// server sends.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'sonde-lsp.js');

export interface Received {
  method: string;
  params: unknown;
}

export class LspClient {
  readonly notifications: Received[] = [];
  /** Server → client requests, in order (e.g. workspace/codeLens/refresh). */
  readonly requests: Received[] = [];
  readonly stderr: string[] = [];
  /** Anything that broke the LSP stream (e.g. a stray write to stdout). */
  readonly streamErrors: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly connection: MessageConnection,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(env: NodeJS.ProcessEnv = {}): LspClient {
    const childEnv = { ...process.env, ...env };
    if (!('SONDE_GATEWAY_URL' in env)) delete childEnv.SONDE_GATEWAY_URL;
    const child = spawn(process.execPath, [bin], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspClient(child, connection);
    child.stderr.on('data', (d: Buffer) => client.stderr.push(d.toString()));
    connection.onError(([err]) => client.streamErrors.push(err.message));
    connection.onNotification((method, params) => client.record(client.notifications, { method, params }));
    connection.onRequest((method, params) => {
      client.record(client.requests, { method, params });
      return null;
    });
    connection.listen();
    return client;
  }

  /** The first notification, already received or still to come, that matches. */
  notification<T>(method: string, match: (params: T) => boolean = () => true): Promise<T> {
    return this.find(this.notifications, (r) => r.method === method && match(r.params as T)).then((r) => r.params as T);
  }

  request<T>(method: string, match: (params: T) => boolean = () => true): Promise<T> {
    return this.find(this.requests, (r) => r.method === method && match(r.params as T)).then((r) => r.params as T);
  }

  /** Shuts down the way an editor does and waits for the process to exit. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    }
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
    this.connection.dispose();
  }

  private record(list: Received[], r: Received): void {
    list.push(r);
    this.waiters = this.waiters.filter((w) => (w.match(r) ? (w.resolve(r), false) : true));
  }

  private find(list: Received[], match: (r: Received) => boolean): Promise<Received> {
    const seen = list.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}
