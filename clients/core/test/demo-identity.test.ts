// The embedded demo identity provider (--demo-identity): a person signs in
// with the device flow on its pages, as on Keycloak's, and the gateway
// verifies its tokens through the same keycloak-connect path: roles refuse,
// refresh works, another provider's tokens are refused, and it never listens
// beyond loopback.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sonde } from '@sonde/protocol';
import { ProtocolPeer } from '@sonde/rpc/testing';
import { startGateway, type RunningGateway } from '@sonde/agent-gateway';
import { approveDeviceLogin, refusedUpgrade, startDemoIdentity } from '@sonde/agent-gateway/testing';
import { GatewayClient, TokenRenewal, TokenSession, TokenStore, type GatewayEvent } from '../src/index.js';
import { startDeviceLogin } from '../src/identity/device-flow.js';
import { providerEndpoints, tokenRequest } from '../src/identity/oidc.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });


const { ActionKind, ErrorCode } = sonde.v1;
const log: sonde.v1.IAction = { kind: ActionKind.ACTION_KIND_LOG, location: { file: 'src/server.js', line: 12 }, format: 'name={name}' };

async function issuerOf(gw: RunningGateway): Promise<{ issuer: string; clientId: string }> {
  return (await (await fetch(`${gw.url}/v1/identity`)).json()) as { issuer: string; clientId: string };
}

/** Signs in on the gateway's provider as `name` through the device flow, approved on its pages. */
async function signIn(gw: RunningGateway, name: string, password = name) {
  const { issuer, clientId } = await issuerOf(gw);
  const login = await startDeviceLogin(issuer, clientId);
  await approveDeviceLogin(login.verificationUriComplete ?? login.verificationUri, { name, password }, login.userCode);
  return login.tokens;
}

describe('identity: the embedded demo provider', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const gateways: RunningGateway[] = [];
  const peers: ProtocolPeer[] = [];
  const gateway = async (demoIdentity: true | { accessTokenSeconds: number } = true) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sonde-gw-demo-id-'));
    dirs.push(dataDir);
    const gw = await startGateway({ dataDir, insecureDev: false, demoIdentity, port: 0, log: () => {} });
    gateways.push(gw);
    return gw;
  };
  const connect = async (gw: RunningGateway, token: string) => {
    const peer = await ProtocolPeer.connect(gw.url, '/v1/client', bearer(token));
    peers.push(peer);
    return peer;
  };
  /** An agent with a key the demo user (an admin) created, which sees the log's file. */
  const agent = async (gw: RunningGateway, adminToken: string) => {
    const created = await (await connect(gw, adminToken)).request({ createAgentKey: { tags: ['demo'], description: 'test agent' } });
    assert.ok(created.agentKeyCreated?.secret, JSON.stringify(created));
    const a = await ProtocolPeer.connect(gw.url, '/v1/agent', bearer(created.agentKeyCreated.secret));
    peers.push(a);
    const actions: string[] = [];
    a.onFrame((e) => {
      if (e.fileQuery) a.send({ replyTo: e.id, fileQueryResult: { loadedPath: '/srv/app/src/server.js' } });
      if (e.actionUpsert?.action?.id) actions.push(e.actionUpsert.action.id);
    });
    assert.ok((await a.request({ hello: { agentId: 'demo-agent', runtime: sonde.v1.Runtime.RUNTIME_NODE, roots: ['/srv/app'], tags: ['demo'] } })).actionSet);
    return { a, actions };
  };
  afterEach(async () => {
    for (const p of peers.splice(0)) p.close();
    for (const gw of gateways.splice(0)) await gw.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('is laid out as a Keycloak realm, and says where to sign in', async () => {
    const gw = await gateway();
    const { issuer, clientId } = await issuerOf(gw);
    assert.match(issuer, /^http:\/\/127\.0\.0\.1:\d+\/realms\/sonde$/);
    assert.equal(clientId, 'sonde-cli');
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    assert.equal(discovery.issuer, issuer);
    assert.equal(discovery.jwks_uri, `${issuer}/protocol/openid-connect/certs`, 'where keycloak-connect fetches the keys');
    assert.equal(discovery.device_authorization_endpoint, `${issuer}/protocol/openid-connect/auth/device`);
  });

  it('signs the demo user in through the device flow; the gateway lets them act under their name', async () => {
    const gw = await gateway();
    const tokens = await signIn(gw, 'demo');
    const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(claims.typ, 'Bearer');
    assert.equal(claims.aud, 'sonde-gateway');
    assert.ok(tokens.refreshToken, 'a refresh token, for the session to outlive one access token');
    await agent(gw, tokens.accessToken);
    const c = await connect(gw, tokens.accessToken);
    const added = await c.request({ addAction: { action: log } });
    assert.equal(added.actionInfo?.action?.creator, 'demo', added.error?.message ?? undefined);
    // Refreshed, the token still lets the person in, as the same person.
    const fresh = await tokenRequest((await providerEndpoints((await issuerOf(gw)).issuer)).token, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: 'sonde-cli' });
    const again = await connect(gw, fresh.accessToken);
    const list = await again.request({ listActions: {} });
    assert.deepEqual(list.actionList?.actions?.map((a) => a.action?.creator), ['demo']);
  });

  it('renews a live connection\'s token in place: through three token lifetimes no reconnection, no event lost', async function () {
    this.timeout(90_000);
    const gw = await gateway({ accessTokenSeconds: 3 });
    const tokens = await signIn(gw, 'demo');
    const { a, actions } = await agent(gw, tokens.accessToken);
    const configDir = mkdtempSync(join(tmpdir(), 'sonde-renewal-config-'));
    dirs.push(configDir);
    const session = TokenSession.of({ required: true, ...(await issuerOf(gw)) }, new TokenStore(configDir))!;
    session.signedIn(tokens);
    const client = new GatewayClient({ url: gw.url, token: () => session.accessToken(), subscribe: true, log: () => {} });
    const notes: string[] = [];
    const renewal = new TokenRenewal(client, { dueAtMs: () => session.refreshDueAtMs(), accessToken: () => session.accessToken(), log: (m) => notes.push(m) });
    let drops = 0;
    client.on('disconnected', () => drops++);
    const lines: string[] = [];
    client.on('events', (events: readonly GatewayEvent[]) => {
      for (const e of events) if (e.log?.text) lines.push(e.log.text);
    });
    try {
      await client.waitConnected();
      const added = await client.addAction({ kind: sonde.v1.ActionKind.ACTION_KIND_LOG, location: { file: 'src/server.js', line: 12 }, format: 'n={n}' });
      while (!actions.includes(added.action!.id!)) await new Promise((r) => setTimeout(r, 20));
      // A line every 100 ms for 10 s, across three expiries of a 3-second token.
      const sent: string[] = [];
      for (let i = 0; i < 100; i++) {
        const text = `n=${i}`;
        sent.push(text);
        a.send({ events: { events: [{ log: { actionId: added.action!.id!, agentId: 'demo-agent', timeMs: Date.now(), text } }] } });
        await new Promise((r) => setTimeout(r, 100));
      }
      const deadline = Date.now() + 5000;
      while (lines.length < sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(lines, sent, 'every line arrived, in order');
      assert.equal(drops, 0, `the connection never dropped (${notes.join('; ')})`);
      assert.ok(notes.filter((n) => n.startsWith('renewed')).length >= 3, `renewed in place at each lifetime: ${notes.join('; ')}`);
    } finally {
      renewal.stop();
      await client.close();
    }
  });

  it('refuses the viewer\'s attempt to add a log, with the role it needs', async () => {
    const gw = await gateway();
    await agent(gw, (await signIn(gw, 'demo')).accessToken);
    const c = await connect(gw, (await signIn(gw, 'viewer')).accessToken);
    const refused = await c.request({ addAction: { action: log } });
    assert.equal(refused.error?.code, ErrorCode.ERROR_CODE_PERMISSION_DENIED);
    assert.match(refused.error?.message ?? '', /needs the role sonde-debugger; viewer has sonde-viewer/);
    assert.deepEqual((await c.request({ listActions: {} })).actionList?.actions ?? [], []);
  });

  it('says so on its page when the password is wrong, and a denied sign-in reaches the client as denied', async () => {
    const gw = await gateway();
    await assert.rejects(signIn(gw, 'demo', 'not-the-password'), /401: That user name and password are not a demo user's/);
    const { issuer, clientId } = await issuerOf(gw);
    const login = await startDeviceLogin(issuer, clientId);
    const confirm = await fetch(login.verificationUriComplete!, { redirect: 'manual' });
    assert.equal(confirm.status, 200);
    // The code page posts itself (no script here), then the confirmation offers Deny.
    const cookie = confirm.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await confirm.text())![1]!;
    const denied = await fetch(`${issuer}/device`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ xsrf, user_code: login.userCode, abort: 'yes' }) });
    assert.match(await denied.text(), /The sign-in was denied/);
    await assert.rejects(login.tokens, /denied on the provider's page/);
  });

  it('refuses a token another provider signed, naming the issuer', async () => {
    const gw = await gateway();
    const other = await gateway();
    const token = (await signIn(other, 'demo')).accessToken;
    const r = await refusedUpgrade(gw.url, '/v1/client', bearer(token));
    assert.equal(r.status, 401);
    assert.match(r.body, /issued by .*127\.0\.0\.1:\d+\/realms\/sonde.*not by this gateway's identity provider/);
  });

  it('answers hostile or stray requests with a page that says what is wrong, and keeps serving', async () => {
    const gw = await gateway();
    const { issuer } = await issuerOf(gw);
    const base = issuer.replace(/\/realms\/sonde$/, '');
    const other = await fetch(`${base}/realms/master/protocol/openid-connect/certs`);
    assert.equal(other.status, 404);
    assert.match(await other.text(), /the realm is \/realms\/sonde/);
    const stray = await fetch(`${issuer}/interaction/no-such-sign-in/login`, { method: 'POST', body: 'x'.repeat(1 << 20), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(stray.status, 400);
    assert.match(await stray.text(), /This sign-in has expired or was opened in another browser/);
    const badCode = await fetch(`${issuer}/protocol/openid-connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'forged', client_id: 'sonde-cli' }) });
    assert.equal(badCode.status, 400);
    assert.equal(((await badCode.json()) as { error: string }).error, 'invalid_grant');
    // Still serving: a sign-in goes through.
    assert.ok((await signIn(gw, 'demo')).accessToken);
  });

  it('never listens beyond loopback: its passwords are published', async () => {
    await assert.rejects(startDemoIdentity({ host: '0.0.0.0' }), /refuses to listen on 0\.0\.0\.0.*loopback only.*--oidc-issuer/);
    const dataDir = mkdtempSync(join(tmpdir(), 'sonde-gw-demo-id-'));
    dirs.push(dataDir);
    await assert.rejects(startGateway({ dataDir, insecureDev: false, demoIdentity: true, host: '0.0.0.0', port: 0, log: () => {} }), /loopback only/);
  });
});
