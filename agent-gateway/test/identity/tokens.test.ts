// The gateway against a real Keycloak (the repo's realm): who gets in, who
// may do what, and the record of it. Each refusal is checked for its words
// (what a person sees) and for having had no effect.
import assert from 'node:assert/strict';
import { sonde } from '@sonde/protocol';
import { ProtocolPeer } from '@sonde/rpc/testing';
import type { Authenticator } from '../../src/index.js';
import { keycloakVerifier } from '../../src/auth/keycloak-verifier.js';
import { userTokens } from '../../src/auth/user-tokens.js';
import { CREDENTIAL_EXPIRED } from '../../src/endpoints/upgrade.js';
import { refusedUpgrade } from '../support.js';
import { bearer, identityFixture } from './fixture.js';
import { accessFor, AUDIENCE } from '../../src/testing-keycloak.js';

const { ActionKind, ErrorCode } = sonde.v1;
const FILE = '/srv/app/src/server.js';
const log = (extra: Partial<sonde.v1.IAction> = {}): sonde.v1.IAction => ({ kind: ActionKind.ACTION_KIND_LOG, location: { file: 'src/server.js', line: 12 }, format: 'name={name}', ...extra });

/** Agents for these tests: the bearer token is the agent's name (agent keys have their own tests). */
const agentsByName: Authenticator = {
  description: 'test agents',
  checkHost: () => {},
  authenticate: (req) => ({ principal: { kind: 'agent', name: req.headers.authorization?.slice(7) ?? '?', roles: [] } }),
};

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const parts = (jwt: string) => {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>, payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>, h, p, s };
};

describe('identity: tokens from a real Keycloak', function () {
  this.timeout(300_000);
  const t = identityFixture((kc) => ({ authenticator: userTokens(keycloakVerifier({ issuer: kc.issuer, audience: AUDIENCE }), agentsByName) }));
  const connect = (token: string) => t.connect('/v1/client', token);
  /** An agent tagged `tags` that sees FILE and records the actions it is sent. */
  const agentPeer = async (id: string, tags: string[]) => {
    const a = await t.connect('/v1/agent', id);
    const got: string[] = [];
    a.onFrame((e) => {
      if (e.fileQuery) a.send({ replyTo: e.id, fileQueryResult: { loadedPath: FILE } });
      if (e.actionUpsert?.action?.id) got.push(e.actionUpsert.action.id);
    });
    assert.ok((await a.request({ hello: { agentId: id, runtime: sonde.v1.Runtime.RUNTIME_NODE, roots: ['/srv/app'], tags } })).actionSet);
    return { a, got };
  };
  const agent = async (id: string, tags: string[]) => (await agentPeer(id, tags)).got;
  it('lets in a person with a valid token, who acts under their user name and subject', async () => {
    await agent('a1', []);
    const token = await accessFor(t.kc, 'ada');
    const c = await connect(token);
    const added = await c.request({ addAction: { action: log() } });
    assert.equal(added.actionInfo?.action?.creator, 'ada', added.error?.message ?? undefined);
    assert.equal(added.actionInfo?.action?.creatorSubject, parts(token).payload.sub, 'who may remove it is decided by the subject, which a rename does not change');
    const entries = await t.audit();
    const add = entries.find((e) => e.what === 'add')!;
    assert.equal(add.subject, parts(token).payload.sub);
    assert.match(add.detail, /"format":"name=\{name\}".*"creator":"ada"/, 'the whole action is on the record');
    assert.ok(entries.some((e) => e.what === 'connect' && e.who === 'ada' && e.outcome === 'ok'), 'the login is on the record');
  });

  it('refuses a connection, saying why, for each kind of bad credential', async () => {
    const ada = await accessFor(t.kc, 'ada');
    const { header, payload, h, p, s } = parts(ada);
    const other = parts(await accessFor(t.kc, 'vic'));
    const cases: [string, Record<string, string>, number, RegExp][] = [
      ['no token', {}, 401, /no credentials: this gateway checks identity against .*realms\/sonde; sign in/],
      ['not Bearer', { authorization: `Basic ${Buffer.from('ada:pw').toString('base64')}` }, 401, /not "Bearer <access token>"/],
      ['not a JWT', bearer('abc.def'), 401, /not a JWT \(2 parts, not 3\)/],
      ['expired', bearer(await accessFor(t.kc, 'ada', 'sonde-cli-short').then(async (t) => (await new Promise((r) => setTimeout(r, 4500)), t))), 401, /the access token expired at \d{4}-\d\d-\d\dT/],
      ['wrong issuer', bearer(await accessFor(t.kc, 'ada', 'sonde-cli', t.kc.url.replace('127.0.0.1', 'localhost'))), 401, /issued by "http:\/\/localhost:\d+\/realms\/sonde", not by this gateway's identity provider http:\/\/127\.0\.0\.1/],
      ['wrong audience', bearer(await accessFor(t.kc, 'ada', 'other-app')), 401, /the token is for .*not for this gateway \("sonde-gateway"\)/],
      ['alg none', bearer(`${b64({ ...header, alg: 'none' })}.${p}.`), 401, /not signed \(alg "none"\)/],
      ['HS256 with the key id', bearer(`${b64({ ...header, alg: 'HS256' })}.${p}.${s}`), 401, /signed with HS256; the gateway accepts RS256/],
      ['bad signature', bearer(`${h}.${p}.${other.s}`), 401, /signature does not verify against the identity provider's keys/],
      ['tampered payload', bearer(`${h}.${b64({ ...payload, realm_access: { roles: ['sonde-admin'] } })}.${s}`), 401, /signature does not verify/],
      ['unknown key id', bearer(`${b64({ ...header, kid: 'forged-key' })}.${p}.${s}`), 401, /names a signing key \("forged-key"\) that .* does not have/],
      ['no Sonde role', bearer(await accessFor(t.kc, 'nobody')), 403, /connecting to the gateway needs the role sonde-viewer; nobody has no Sonde role/],
    ];
    for (const [what, headers, status, message] of cases) {
      const r = await refusedUpgrade(t.gw.url, '/v1/client', headers);
      assert.equal(r.status, status, `${what}: ${r.body}`);
      assert.match(r.body, message, `${what}: ${r.body}`);
    }
    const refused = (await t.audit()).filter((e) => e.what === 'connect' && e.outcome === 'refused');
    assert.equal(refused.length, cases.length, 'every refused connection is on the record');
    assert.ok(refused.every((e) => e.who === '?' && /^\/v1\/client: 40[13] /.test(e.detail)), JSON.stringify(refused));
  });

  it('refuses per request what a role does not allow, and a tag outside the scope, with no effect', async () => {
    await agent('a1', ['staging']);
    await agent('a2', ['production']);
    const vic = await connect(await accessFor(t.kc, 'vic'));
    const stan = await connect(await accessFor(t.kc, 'stan'));
    const ada = await connect(await accessFor(t.kc, 'ada'));
    const denied = async (c: ProtocolPeer, init: Parameters<ProtocolPeer['request']>[0], message: RegExp) => {
      const r = await c.request(init);
      assert.equal(r.error?.code, ErrorCode.ERROR_CODE_PERMISSION_DENIED, JSON.stringify(r));
      assert.match(r.error?.message ?? '', message);
    };
    await denied(vic, { addAction: { action: log() } }, /^adding a log needs the role sonde-debugger; vic has sonde-viewer/);
    await denied(stan, { addAction: { action: log({ kind: ActionKind.ACTION_KIND_SNAPSHOT, format: '' }) } }, /^adding a snapshot needs the role sonde-capture; stan has/);
    await denied(stan, { addAction: { action: log({ target: { tags: ['production'] } }) } }, /stan may target agents tagged staging only; the target names production/);
    await denied(stan, { setPolicy: { policy: {} } }, /changing the redaction policy needs the role sonde-admin/);
    const adas = await ada.request({ addAction: { action: log() } });
    await denied(stan, { removeAction: { actionId: adas.actionInfo!.action!.id! } }, /removing a log that ada created needs the role sonde-admin; stan may remove their own/);
    const list = await vic.request({ listActions: {} });
    assert.deepEqual(list.actionList?.actions?.map((a) => a.action?.creator), ['ada'], 'only ada\'s action exists: nothing refused took effect');
    const entries = await t.audit();
    assert.deepEqual(entries.filter((e) => e.outcome === 'refused').map((e) => [e.who, e.what]), [['vic', 'add'], ['stan', 'add'], ['stan', 'add'], ['stan', 'set-policy'], ['stan', 'remove']]);
  });

  it('sends a scoped person\'s action only to agents with one of their tags', async () => {
    const staging = await agent('a1', ['staging']);
    const production = await agent('a2', ['production']);
    const stan = await connect(await accessFor(t.kc, 'stan'));
    const added = await stan.request({ addAction: { action: log({ target: { anyTags: ['production'] } }) } });
    const id = added.actionInfo?.action?.id ?? assert.fail(JSON.stringify(added));
    assert.deepEqual(added.actionInfo?.action?.target?.anyTags, ['staging'], 'the reach is the creator\'s scope, whatever the client sent');
    for (const deadline = Date.now() + 5000; !staging.includes(id) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(staging, [id]);
    assert.deepEqual(production, [], 'the production agent never gets it');
  });

  it('closes a connection when its token expires, with the code that has the client reconnect', async () => {
    const c = await connect(await accessFor(t.kc, 'ada', 'sonde-cli-short'));
    const closed = await c.closed;
    assert.equal(closed.code, CREDENTIAL_EXPIRED);
    assert.match(closed.reason, /access token expired; reconnect with a fresh one/);
  });

  it('renews a live connection with the same person\'s fresh token past the first one\'s expiry', async () => {
    const c = await connect(await accessFor(t.kc, 'ada', 'sonde-cli-short'));
    let closed = false;
    void c.closed.then(() => (closed = true));
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      const renewed = await c.request({ reauthenticate: { accessToken: await accessFor(t.kc, 'ada', 'sonde-cli-short') } });
      assert.ok(renewed.ack, renewed.error?.message ?? undefined);
    }
    // Three renewals of 3-second tokens, 4.5 s in: the first token's expiry did not close it.
    assert.equal(closed, false);
    assert.ok((await c.request({ listActions: {} })).actionList);
  });

  it('refuses to renew a connection with another person\'s token, a forged one or none, with no effect, on the record', async () => {
    const ada = await accessFor(t.kc, 'ada');
    const c = await connect(ada);
    const { h, payload, s: sig } = parts(ada);
    const cases: [string, string, RegExp][] = [
      ['another person', await accessFor(t.kc, 'stan'), /the token is stan's, and this connection is ada's: to act as someone else, connect again/],
      ['tampered', `${h}.${b64({ ...payload, realm_access: { roles: ['sonde-admin'] } })}.${sig}`, /signature does not verify/],
      ['none', '', /not a JWT/],
    ];
    for (const [what, token, reason] of cases) {
      const r = await c.request({ reauthenticate: { accessToken: token } });
      assert.equal(r.error?.code, ErrorCode.ERROR_CODE_UNAUTHENTICATED, what);
      assert.match(r.error?.message ?? '', reason, what);
    }
    // Still ada, with ada's roles: a viewer-and-debugger's add works, an admin's request does not.
    await agent('a1', []);
    assert.equal((await c.request({ addAction: { action: log() } })).actionInfo?.action?.creator, 'ada');
    assert.equal((await c.request({ listAgentKeys: {} })).error?.code, ErrorCode.ERROR_CODE_PERMISSION_DENIED);
    const refused = (await t.audit()).filter((e) => e.what === 'renew');
    assert.equal(refused.length, 3);
    assert.ok(refused.every((e) => e.who === 'ada' && e.outcome === 'refused'));
    assert.match(refused[0]!.detail, /stan's/);
  });

  it('shows an agent\'s events only to people who may view its tags, and snapshots only to those who may capture', async () => {
    const staging = await agentPeer('a1', ['staging']);
    const production = await agentPeer('a2', ['production']);
    const ada = await connect(await accessFor(t.kc, 'ada'));
    const stan = await connect(await accessFor(t.kc, 'stan'));
    for (const c of [ada, stan]) assert.ok((await c.request({ subscribe: {} })).actionList);
    const logId = (await ada.request({ addAction: { action: log() } })).actionInfo!.action!.id!;
    const snapId = (await ada.request({ addAction: { action: log({ kind: ActionKind.ACTION_KIND_SNAPSHOT, format: '' }) } })).actionInfo!.action!.id!;
    const seen = (c: ProtocolPeer) => {
      const texts: string[] = [];
      c.onFrame((e) => {
        for (const ev of e.events?.events ?? []) {
          if (ev.log) texts.push(`${ev.log.agentId}: ${ev.log.text}`);
          if (ev.snapshot) texts.push(`${ev.snapshot.agentId}: snapshot`);
        }
      });
      return texts;
    };
    const adaSaw = seen(ada);
    const stanSaw = seen(stan);
    for (const [{ a }, who] of [[staging, 'a1'], [production, 'a2']] as const) {
      a.send({ events: { events: [{ log: { actionId: logId, text: `line from ${who}`, timeMs: Date.now() } }, { snapshot: { actionId: snapId, timeMs: Date.now() } }] } });
    }
    for (const deadline = Date.now() + 5000; adaSaw.length < 4 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200)); // anything stan would wrongly get has arrived by now
    assert.deepEqual([...adaSaw].sort(), ['a1: line from a1', 'a1: snapshot', 'a2: line from a2', 'a2: snapshot']);
    assert.deepEqual(stanSaw, ['a1: line from a1'], 'stan (staging, no sonde-capture) sees the staging agent\'s line only');
  });
});
