// Agent keys on a gateway configured as in production (--oidc-issuer against
// the real Keycloak): an admin creates, lists and revokes them; an agent
// connects with one, claims only the tags it allows and an id no other key
// owns; revoking disconnects it at once. All of it on the audit log.
import assert from 'node:assert/strict';
import { sonde } from '@sonde/protocol';
import { ProtocolPeer } from '@sonde/rpc/testing';
import { refusedUpgrade } from '../support.js';
import { bearer, identityFixture } from './fixture.js';
import { accessFor, AUDIENCE } from '../../src/testing-keycloak.js';

const { ErrorCode } = sonde.v1;

describe('identity: agent keys', function () {
  this.timeout(300_000);
  const t = identityFixture((kc) => ({ identity: { issuer: kc.issuer, audience: AUDIENCE } }));
  const client = async (user: string) => t.connect('/v1/client', await accessFor(t.kc, user));
  const newKey = async (admin: ProtocolPeer, tags: string[]) => {
    const r = await admin.request({ createAgentKey: { tags, description: 'test' } });
    assert.ok(r.agentKeyCreated?.secret, JSON.stringify(r));
    return { id: r.agentKeyCreated.key!.id!, secret: r.agentKeyCreated.secret };
  };
  /** Connects with the credential and says hello; resolves with the reply. */
  const hello = async (credential: string, agentId: string, tags: string[] = []) => {
    const a = await t.connect('/v1/agent', credential);
    const reply = await a.request({ hello: { agentId, runtime: sonde.v1.Runtime.RUNTIME_NODE, roots: ['/srv/app'], tags } });
    return { a, reply };
  };

  it('lets an admin create and list keys, shows the secret once, and refuses a non-admin', async () => {
    const root = await client('root');
    const key = await newKey(root, ['staging']);
    assert.match(key.secret, /^sonde_ak_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const list = await root.request({ listAgentKeys: {} });
    assert.deepEqual(list.agentKeyList?.keys?.map((k) => [k.id, k.tags, k.createdBy]), [[key.id, ['staging'], 'root']]);
    assert.ok(!JSON.stringify(list).includes(key.secret.split('_').at(-1)!), 'the list never carries the secret');
    const vic = await client('vic');
    const r = await vic.request({ createAgentKey: { tags: [] } });
    assert.equal(r.error?.code, ErrorCode.ERROR_CODE_PERMISSION_DENIED);
    assert.match(r.error?.message ?? '', /creating an agent key needs the role sonde-admin; vic has sonde-viewer/);
    const peek = await vic.request({ listAudit: {} });
    assert.match(peek.error?.message ?? '', /reading the audit log needs the role sonde-admin/);
    const read = await root.requestWhole({ listAudit: {} });
    assert.deepEqual(read.auditList?.entries?.filter((e) => e.outcome === 'refused').map((e) => [e.who, e.what]), [['vic', 'create-key'], ['vic', 'list-audit']], 'an admin reads the refusals');
  });

  it('lets in an agent with its key, within the key\'s tags only; refuses no key and a wrong key', async () => {
    const key = await newKey(await client('root'), ['staging']);
    const ok = await hello(key.secret, 'svc-1', ['staging']);
    assert.ok(ok.reply.actionSet, JSON.stringify(ok.reply));
    const outside = await hello(key.secret, 'svc-2', ['staging', 'production']);
    assert.equal(outside.reply.error?.code, ErrorCode.ERROR_CODE_PERMISSION_DENIED);
    assert.match(outside.reply.error?.message ?? '', /allows the tags staging; this agent claims production/);
    const none = await refusedUpgrade(t.gw.url, '/v1/agent');
    assert.equal(none.status, 401);
    assert.match(none.body, /no agent key: this gateway takes agents with a key only/);
    const wrong = await refusedUpgrade(t.gw.url, '/v1/agent', bearer(key.secret.slice(0, -4) + 'AAAA'));
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /not one this gateway issued \(unknown, or its secret is wrong\)/);
    const userToken = await refusedUpgrade(t.gw.url, '/v1/agent', bearer(await accessFor(t.kc, 'ada')));
    assert.match(userToken.body, /not an agent key/, 'a person\'s token is not an agent credential');
    const refused = (await t.audit()).filter((e) => e.outcome === 'refused');
    assert.deepEqual(refused.map((e) => [e.who, e.what]), [[key.id, 'hello'], ['?', 'connect'], ['?', 'connect'], ['?', 'connect']]);
  });

  it('refuses an agent id that another key owns, so no process can take over a live agent\'s name', async () => {
    const root = await client('root');
    const first = await newKey(root, []);
    const second = await newKey(root, []);
    const owner = await hello(first.secret, 'checkout');
    assert.ok(owner.reply.actionSet);
    const thief = await hello(second.secret, 'checkout');
    assert.equal(thief.reply.error?.code, ErrorCode.ERROR_CODE_PERMISSION_DENIED);
    assert.match(thief.reply.error?.message ?? '', new RegExp(`"checkout" belongs to another agent key \\(${first.id}\\)`));
    const agents = await root.request({ listAgents: {} });
    assert.deepEqual(agents.agentList?.agents?.map((a) => [a.agentId, a.connected]), [['checkout', true]], 'the owner stays connected');
    const refused = (await t.audit()).filter((e) => e.outcome === 'refused');
    assert.deepEqual(refused.map((e) => [e.who, e.what]), [[second.id, 'hello']], 'the attempt is on the record, under the key that made it');
    assert.match(refused[0]!.detail, /agent checkout: the agent id "checkout" belongs to another agent key/);
  });

  it('disconnects a revoked key\'s agents at once and refuses them after', async () => {
    const root = await client('root');
    const key = await newKey(root, []);
    const { a } = await hello(key.secret, 'svc-r');
    const revoked = await root.request({ revokeAgentKey: { id: key.id } });
    assert.ok(Number(revoked.agentKey?.revokedAtMs) > 0);
    const closed = await a.closed;
    assert.match(closed.reason, new RegExp(`agent key ${key.id} was revoked`));
    const again = await refusedUpgrade(t.gw.url, '/v1/agent', bearer(key.secret));
    assert.equal(again.status, 401);
    assert.match(again.body, new RegExp(`the agent key ${key.id} was revoked at \\d{4}-`));

    const all = await t.audit();
    const entries = all.filter((e) => e.what !== 'connect');
    assert.deepEqual(entries.map((e) => [e.who, e.what, e.outcome]), [['root', 'create-key', 'ok'], ['root', 'revoke-key', 'ok']]);
    assert.match(entries[1]!.detail, /1 connected agent disconnected/);
    assert.equal(all.filter((e) => e.what === 'connect' && e.outcome === 'refused').length, 1, 'the revoked key\'s attempt is on the record');
  });
});
