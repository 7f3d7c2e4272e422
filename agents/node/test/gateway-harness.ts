// What the agent's tests against a real gateway start before each test: a
// gateway on a fresh data folder, a subscribed client and the log of what it
// is pushed; programs started with the agent pointed at it; and how it all
// stops. The fields change when a test restarts the gateway (restart()).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '@sonde/agent-gateway';
import { ProtocolPeer } from '@sonde/rpc/testing';
import { EventLog } from './event-log.js';
import { runApp, type RunningApp } from './running-app.js';

export interface GatewayHarness {
  gateway: RunningGateway;
  client: ProtocolPeer;
  events: EventLog;
  /** Starts a program with SONDE_GATEWAY_URL set to this gateway; it is stopped after the test. */
  run(args: string[], env?: Record<string, string | undefined>): RunningApp;
  /** A new gateway on the same data folder (and `port`, 0 for any), with a new subscribed client. */
  restart(port?: number): Promise<void>;
}

export function gatewayForEachTest(prefix: string): GatewayHarness {
  let dataDir = '';
  const apps: RunningApp[] = [];
  const h = {
    run(args, env = {}) {
      const app = runApp(args, { SONDE_GATEWAY_URL: h.gateway.url, ...env });
      apps.push(app);
      return app;
    },
    async restart(port = 0) {
      h.gateway = await startGateway({ dataDir, insecureDev: true, port, log: () => {} });
      h.client = await ProtocolPeer.connect(h.gateway.url, '/v1/client');
      h.events = new EventLog(h.client);
      await h.client.request({ subscribe: {} });
    },
  } as GatewayHarness;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), prefix));
    await h.restart();
  });
  afterEach(async () => {
    for (const a of apps.splice(0)) {
      a.child.kill();
      await a.exited;
    }
    h.client.close();
    await h.gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return h;
}
