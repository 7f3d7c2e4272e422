// sonde.login against a gateway that checks no identity (--insecure-dev):
// nothing to sign in to, said plainly, and no token sent. The device flow
// against a real Keycloak, through a real browser, is e2e/test/login.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TokenStore } from '@sonde/client-core';
import { startTestGateway, type TestGateway } from '@sonde/agent-gateway/testing';
import { Login } from '../src/login.js';

describe('sonde.login without an identity provider', () => {
  let gw: TestGateway;
  let dir: string;
  before(async () => {
    gw = await startTestGateway();
    dir = mkdtempSync(join(tmpdir(), 'sonde-login-'));
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says there is nothing to sign in to, and sends no token', async () => {
    const said: string[] = [];
    let reconnects = 0;
    const login = new Login(gw.url, new TokenStore(dir), { open: async () => false, info: (m) => said.push(m), error: (m) => said.push(`error: ${m}`), reconnect: () => reconnects++ });
    assert.deepEqual(await login.start(), { required: false });
    assert.deepEqual(said, ['Sonde: this gateway checks no identity (it runs with --insecure-dev); there is nothing to sign in to']);
    assert.equal(await login.accessToken(), undefined);
    assert.equal(reconnects, 0);
  });

  it('says why it cannot sign in when the gateway cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const login = new Login(`http://127.0.0.1:${port}`, new TokenStore(dir), { open: async () => false, info: () => {}, error: () => {}, reconnect: () => {} });
    await assert.rejects(login.start(), /cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+\/v1\/identity \(.*ECONNREFUSED.*\); check its URL and that it runs/);
    assert.equal(await login.accessToken(), undefined, 'a connection attempt goes on without a token, and reports its own failure');
  });
});
