// A real gateway for other packages' tests: in-process on a loopback port
// with a throw-away data folder, stopped and started again on the same port
// and data (restart tests). Never used in production code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { endpointUrl, type EndpointPath } from '@sonde/rpc';
import type { GatewayLimits } from './limits.js';
import { startGateway } from './server.js';

export interface TestGateway {
  url: string;
  port: number;
  dataDir: string;
  logs: string[];
  /** Stops the gateway, keeping its data (for restart). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data (stopping it first if it runs). */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}

/**
 * `limits`: small caps for tests of what a peer sees past them (defaults
 * otherwise); `dataDir`: a folder that already holds a store (an old
 * sonde.db), removed on close like a fresh one.
 */
export async function startTestGateway(options: { limits?: Partial<GatewayLimits>; dataDir?: string } = {}): Promise<TestGateway> {
  const { limits } = options;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sonde-test-gw-'));
  const logs: string[] = [];
  const log = (msg: string): void => void logs.push(msg);
  let running: Awaited<ReturnType<typeof startGateway>> | undefined = await startGateway({ dataDir, insecureDev: true, log, limits });
  const port = running.port;
  const gateway: TestGateway = {
    url: running.url,
    port,
    dataDir,
    logs,
    async stop() {
      await running?.close();
      running = undefined;
    },
    async restart() {
      await running?.close();
      running = await startGateway({ dataDir, insecureDev: true, log, port, limits });
    },
    async close() {
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return gateway;
}

export { accessFor, tokensFor, useKeycloak, AUDIENCE, PASSWORDS, REALM, type TestKeycloak, type Tokens } from './testing-keycloak.js';
export { approveDeviceLogin } from './demo-identity/approve-device.js';
export { startDemoIdentity, type DemoIdentity } from './demo-identity/demo-provider.js';

/** The status and body with which the gateway refuses a WebSocket upgrade (rejects when it accepts it). */
export function refusedUpgrade(url: string, path: EndpointPath, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(endpointUrl(url, path), { headers });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', () => {});
  });
}
