// A real gateway for other packages' tests: in-process on a loopback port
// with a throw-away data folder, stopped and started again on the same port
// and data (restart tests). Never used in production code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayLimits } from './limits.js';
import { startGateway } from './server.js';

export interface TestGateway {
  url: string;
  port: number;
  dataDir: string;
  logs: string[];
  /** Stops the gateway, keeping its data (for restart). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}

/** `limits`: small caps for tests of what a peer sees past them (defaults otherwise). */
export async function startTestGateway(options: { limits?: Partial<GatewayLimits> } = {}): Promise<TestGateway> {
  const { limits } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'sonde-test-gw-'));
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
      running = await startGateway({ dataDir, insecureDev: true, log, port, limits });
    },
    async close() {
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return gateway;
}
