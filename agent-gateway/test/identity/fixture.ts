// What every identity test sets up: the real Keycloak for the suite, a fresh
// gateway on it for each test (how it authenticates is the suite's choice),
// the peers a test opened (closed after it), and the audit log so far.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolPeer } from '@sonde/rpc/testing';
import type { EndpointPath } from '@sonde/rpc';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../src/index.js';
import { useKeycloak, type TestKeycloak } from '../../src/testing-keycloak.js';
import { readAudit } from '../support.js';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface IdentityFixture {
  kc: TestKeycloak;
  gw: RunningGateway;
  /** Opens a connection that is closed after the test. */
  connect(path: EndpointPath, credential: string): Promise<ProtocolPeer>;
  /** The audit log so far (the gateway restarts on the same data to read it). */
  audit(): Promise<ReturnType<typeof readAudit>>;
}

/** Mocha hooks for the suite; `how` gives the gateway's authentication for the suite's Keycloak. */
export function identityFixture(how: (kc: TestKeycloak) => Pick<GatewayOptions, 'authenticator' | 'identity'>): IdentityFixture {
  let dataDir = '';
  const peers: ProtocolPeer[] = [];
  const start = (f: IdentityFixture) => startGateway({ dataDir, insecureDev: false, ...how(f.kc), port: 0, log: () => {} });
  const f: IdentityFixture = {
    kc: undefined as unknown as TestKeycloak,
    gw: undefined as unknown as RunningGateway,
    async connect(path, credential) {
      const peer = await ProtocolPeer.connect(f.gw.url, path, bearer(credential));
      peers.push(peer);
      return peer;
    },
    async audit() {
      await f.gw.close();
      try {
        return readAudit(dataDir);
      } finally {
        f.gw = await start(f);
      }
    },
  };
  before(async () => {
    f.kc = await useKeycloak();
  });
  after(async () => f.kc?.stop());
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sonde-gw-identity-'));
    f.gw = await start(f);
  });
  afterEach(async () => {
    for (const p of peers.splice(0)) p.close();
    await f.gw.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return f;
}
