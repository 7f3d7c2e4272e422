import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sonde } from '@sonde/protocol';
import type { EndpointPath } from '@sonde/rpc';
import { ProtocolPeer, ScriptedAgent } from '@sonde/rpc/testing';
import { readAudit, refusedUpgrade } from './support.js';
import { startGateway, type Authenticator, type RunningGateway } from '../src/index.js';

const LOG_ACTION = { kind: sonde.v1.ActionKind.ACTION_KIND_LOG, location: { file: 'src/server.js', line: 12 }, format: 'name={name}' };

/** Lets in only requests whose bearer token is a name: that name is the principal; records what it was asked. */
function tokenIsName(): Authenticator & { asked: EndpointPath[] } {
  const asked: EndpointPath[] = [];
  return {
    asked,
    description: 'test: the bearer token is the name',
    checkHost: () => {},
    authenticate(req, endpoint) {
      asked.push(endpoint);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token) return { refusal: { status: 401, message: 'no bearer token; log in first' } };
      if (token === 'throw') throw new Error('the identity provider is down');
      return { principal: { kind: endpoint === '/v1/agent' ? 'agent' : 'user', name: token, roles: ['sonde-debugger'] } };
    },
  };
}

describe('gateway authentication', () => {
  let dataDir: string;
  let gw: RunningGateway;
  let auth: ReturnType<typeof tokenIsName>;
  const quiet = () => {};

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sonde-gw-auth-'));
    auth = tokenIsName();
    gw = await startGateway({ dataDir, insecureDev: false, authenticator: auth, port: 0, log: quiet });
  });
  afterEach(async () => {
    await gw.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a refused upgrade with the authenticator\'s status and message, on either endpoint', async () => {
    for (const path of ['/v1/client', '/v1/agent'] as const) {
      const r = await refusedUpgrade(gw.url, path);
      assert.equal(r.status, 401);
      assert.match(r.body, /no bearer token; log in first/);
    }
    assert.deepEqual(auth.asked, ['/v1/client', '/v1/agent'], 'the authenticator is told the endpoint');
  });

  it('answers 500 when the authenticator throws, and keeps serving', async () => {
    const r = await refusedUpgrade(gw.url, '/v1/client', { authorization: 'Bearer throw' });
    assert.equal(r.status, 500);
    assert.match(r.body, /authentication failed inside the gateway: the identity provider is down/);
    const c = await ProtocolPeer.connect(gw.url, '/v1/client', { authorization: 'Bearer ada' });
    assert.ok((await c.request({ listActions: {} })).actionList);
    c.close();
  });

  it('refuses to renew a connection whose credentials do not expire, and keeps it', async () => {
    const c = await ProtocolPeer.connect(gw.url, '/v1/client', { authorization: 'Bearer ada' });
    const r = await c.request({ reauthenticate: { accessToken: 'bob' } });
    assert.equal(r.error?.code, sonde.v1.ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    assert.match(r.error?.message ?? '', /the fresh token was refused: this gateway's credentials do not expire: there is nothing to renew/);
    assert.ok((await c.request({ listActions: {} })).actionList);
    c.close();
  });

  it('acts as the principal: it is the creator of what it adds and the who of the audit log', async () => {
    const agent = await ScriptedAgent.connect(gw.url, { agentId: 'a1' }, ['/srv/app/src/server.js']).catch((err: Error) => err);
    assert.ok(agent instanceof Error, 'an agent without a token is refused too');
    const c = await ProtocolPeer.connect(gw.url, '/v1/client', { authorization: 'Bearer ada' });
    // ScriptedAgent dials without headers, so this agent speaks through a ProtocolPeer that carries a token.
    const a = await ProtocolPeer.connect(gw.url, '/v1/agent', { authorization: 'Bearer agent-key-1' });
    a.onFrame((e) => {
      if (e.fileQuery) a.send({ replyTo: e.id, fileQueryResult: { loadedPath: '/srv/app/src/server.js' } });
    });
    assert.ok((await a.request({ hello: { agentId: 'a1', runtime: sonde.v1.Runtime.RUNTIME_NODE, roots: ['/srv/app'] } })).actionSet);
    const added = await c.request({ addAction: { action: LOG_ACTION } });
    const id = added.actionInfo?.action?.id ?? '';
    assert.equal(added.actionInfo?.action?.creator, 'ada');
    assert.ok((await c.request({ removeAction: { actionId: id } })).ack);
    a.close();
    c.close();
    await gw.close();

    const entries = readAudit(dataDir);
    assert.deepEqual(entries.map((e) => [e.who, e.what, e.actionId, e.outcome]), [
      ['?', 'connect', '', 'refused'], // the agent without a token
      ['ada', 'connect', '', 'ok'],
      ['ada', 'add', id, 'ok'],
      ['ada', 'remove', id, 'ok'],
    ]);
    assert.match(entries[2]!.remote, /^127\.0\.0\.1:\d+$/);
    gw = await startGateway({ dataDir, insecureDev: false, authenticator: auth, port: 0, log: quiet });
  });

  it('lets the authenticator refuse the host before listening', async () => {
    const fussy: Authenticator = { ...tokenIsName(), checkHost: (host) => { throw new Error(`test refuses ${host}`); } };
    await assert.rejects(startGateway({ dataDir, insecureDev: false, authenticator: fussy, port: 0, log: quiet }), /test refuses 127\.0\.0\.1/);
  });
});
