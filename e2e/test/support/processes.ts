// Starts Sonde's real programs as child processes and waits for what they
// print, so tests drive them exactly as a user would.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const sondeBin = join(repoRoot, 'clients', 'cli', 'bin', 'sonde.js');
export const serviceDir = join(repoRoot, 'examples', 'node-service');
/** The TypeScript example: its source is src/*.ts, what runs is dist/*.js with source maps. */
export const tsServiceDir = join(repoRoot, 'examples', 'ts-service');

/** Which example runs, and its entry point (relative to its folder). */
export interface ServiceSpec {
  dir: string;
  script: string;
}
export const NODE_SERVICE: ServiceSpec = { dir: serviceDir, script: 'server.js' };
/** Two apps from the registry's Koa and Fastify, each with its own app.js. */
export const KOA_APP: ServiceSpec = { dir: join(repoRoot, 'examples', 'koa-app'), script: 'app.js' };
export const FASTIFY_APP: ServiceSpec = { dir: join(repoRoot, 'examples', 'fastify-app'), script: 'app.js' };
export const TS_SERVICE: ServiceSpec = { dir: tsServiceDir, script: join('dist', 'server.js') };

export interface Proc {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first match of `re` in stdout+stderr, waiting up to `timeoutMs`. */
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  stop: () => Promise<void>;
}

export function start(cmd: string, args: string[], opts: SpawnOptions & { name: string }): Proc {
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    waitFor(re, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`${opts.name}: no output matching ${re} within ${timeoutMs} ms; output so far:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `sonde gateway` on loopback; `identity` is how it identifies people (default --insecure-dev). */
export async function startGateway(port: number, dataDir: string, identity: string[] = ['--insecure-dev']): Promise<{ proc: Proc; url: string }> {
  const proc = start(process.execPath, [sondeBin, 'gateway', ...identity, '--port', String(port), '--data', dataDir], { name: 'gateway' });
  const m = await proc.waitFor(/listening on (http:\/\/127\.0\.0\.1:(\d+))/);
  return { proc, url: m[1]! };
}

export async function startService(gatewayUrl: string, env: Record<string, string> = {}, which: ServiceSpec = NODE_SERVICE): Promise<{ proc: Proc; url: string }> {
  const proc = start(process.execPath, ['--import', '@sonde/agent-node/register', which.script], {
    name: which.dir.split('/').at(-1)!,
    cwd: which.dir,
    env: { ...process.env, PORT: '0', SONDE_GATEWAY_URL: gatewayUrl, SONDE_TAGS: 'e2e', ...env },
  });
  const m = await proc.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  await proc.waitFor(/sonde agent: connected to/);
  return { proc, url: m[1]! };
}

/** Polls the gateway's /health until `n` clients are subscribed. */
export async function waitForClients(gatewayUrl: string, n: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = (await (await fetch(`${gatewayUrl}/health`)).json()) as { clients: number };
    if (health.clients >= n) return;
    if (Date.now() > deadline) throw new Error(`gateway ${gatewayUrl} has ${health.clients} subscribed clients after ${timeoutMs} ms; expected ${n}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
