import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sonde, encodeEnvelope, MAX_FRAME_BYTES } from '@sonde/protocol';
import { startGateway, type RunningGateway } from '../src/index.js';
import { ProtocolPeer, ScriptedAgent } from '@sonde/rpc/testing';

const { ErrorCode, ActionKind, ActionStateKind } = sonde.v1;
const LOG_ACTION = { kind: ActionKind.ACTION_KIND_LOG, location: { file: 'src/server.js', line: 12 }, format: 'name={name}' };

describe('gateway', () => {
  let dataDir: string;
  let gw: RunningGateway;
  const quiet = () => {};

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sonde-gw-'));
    gw = await startGateway({ dataDir, insecureDev: true, port: 0, log: quiet });
  });
  afterEach(async () => {
    await gw.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /health', async () => {
    const res = await fetch(`${gw.url}/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; agents: number };
    assert.equal(body.status, 'ok');
    assert.equal(body.agents, 0);
  });

  describe('bad input', () => {
    it('answers a frame that does not decode with INVALID_FRAME and keeps serving that client and others', async () => {
      const bad = await ProtocolPeer.connect(gw.url, '/v1/client');
      const other = await ProtocolPeer.connect(gw.url, '/v1/client');
      bad.ws.send(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
      const err = await bad.next((e) => !!e.error, 'an error');
      assert.equal(err.error?.code, ErrorCode.ERROR_CODE_INVALID_FRAME);
      assert.match(err.error?.message ?? '', /not a sonde\.v1\.Envelope/);
      assert.ok((await bad.request({ listActions: {} })).actionList, 'the same connection still serves');
      assert.ok((await other.request({ listActions: {} })).actionList, 'other clients still served');
      bad.close();
      other.close();
    });

    it('answers a text frame with INVALID_FRAME', async () => {
      const c = await ProtocolPeer.connect(gw.url, '/v1/client');
      c.ws.send('{"listActions":{}}');
      const err = await c.next((e) => !!e.error, 'an error');
      assert.equal(err.error?.code, ErrorCode.ERROR_CODE_INVALID_FRAME);
      assert.match(err.error?.message ?? '', /text frames are not accepted/);
      c.close();
    });

    it('answers an unknown message with UNKNOWN_MESSAGE, echoing its id', async () => {
      const c = await ProtocolPeer.connect(gw.url, '/v1/client');
      c.ws.send(Buffer.from([0x08, 0x07, 0x98, 0x06, 0x01])); // id 7, field 99
      const err = await c.next((e) => !!e.error, 'an error');
      assert.equal(err.error?.code, ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE);
      assert.equal(err.replyTo, 7);
      c.close();
    });

    it('refuses a message meant for the other endpoint', async () => {
      const c = await ProtocolPeer.connect(gw.url, '/v1/client');
      const reply = await c.request({ hello: { agentId: 'x' } });
      assert.equal(reply.error?.code, ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE);
      assert.match(reply.error?.message ?? '', /hello is not accepted on \/v1\/client/);
      const a = await ProtocolPeer.connect(gw.url, '/v1/agent');
      const r2 = await a.request({ addAction: { action: LOG_ACTION } });
      assert.equal(r2.error?.code, ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE);
      c.close();
      a.close();
    });

    it('closes a connection that sends a frame over 1 MiB with 1009 and keeps serving others', async () => {
      const big = await ProtocolPeer.connect(gw.url, '/v1/client');
      const other = await ProtocolPeer.connect(gw.url, '/v1/client');
      big.ws.send(encodeEnvelope({ id: 1, addAction: { action: { ...LOG_ACTION, format: 'x'.repeat(MAX_FRAME_BYTES) } } }));
      const closed = await big.closed;
      assert.equal(closed.code, 1009);
      assert.ok((await other.request({ listActions: {} })).actionList);
      other.close();
    });

    it('refuses an action for a file no agent can see, with the reason', async () => {
      const c = await ProtocolPeer.connect(gw.url, '/v1/client');
      const none = await c.request({ addAction: { action: LOG_ACTION } });
      assert.equal(none.error?.code, ErrorCode.ERROR_CODE_NOT_FOUND);
      assert.match(none.error?.message ?? '', /no agent is connected/);
      const { peer } = await ScriptedAgent.connect(gw.url, { agentId: 'a1' }, ['/srv/app/src/other.js']);
      const r = await c.request({ addAction: { action: LOG_ACTION } });
      assert.equal(r.error?.code, ErrorCode.ERROR_CODE_NOT_FOUND);
      assert.match(r.error?.message ?? '', /no connected agent can see src\/server\.js \(a1: not under \/srv\/app\)/);
      assert.equal((await c.request({ listActions: {} })).actionList?.actions?.length, 0, 'nothing stored');
      peer.close();
      c.close();
    });

    it('refuses malformed actions with INVALID_ARGUMENT naming the field', async () => {
      const c = await ProtocolPeer.connect(gw.url, '/v1/client');
      const cases: [sonde.v1.IAction, RegExp][] = [
        [{ ...LOG_ACTION, location: { file: 'src/server.js', line: 0 } }, /location\.line must be 1 or more/],
        [{ ...LOG_ACTION, location: { file: '/etc/passwd', line: 1 } }, /is absolute/],
        [{ ...LOG_ACTION, location: { file: '../x.js', line: 1 } }, /climbs out/],
        [{ ...LOG_ACTION, format: '' }, /format is empty/],
        [{ ...LOG_ACTION, kind: 42 as sonde.v1.ActionKind }, /is not an action kind/],
        [{ ...LOG_ACTION, location: null }, /location is missing/],
      ];
      for (const [action, message] of cases) {
        const r = await c.request({ addAction: { action } });
        assert.equal(r.error?.code, ErrorCode.ERROR_CODE_INVALID_ARGUMENT, JSON.stringify(action));
        assert.match(r.error?.message ?? '', message);
      }
      c.close();
    });

    it('refuses an action over the gateway\'s limit, keeping the ones it holds', async () => {
      await gw.close();
      gw = await startGateway({ dataDir, insecureDev: true, port: 0, log: quiet, maxActions: 2 });
      const agent = await ScriptedAgent.connect(gw.url, { agentId: 'a1' }, ['/srv/app/src/server.js']);
      const c = await ProtocolPeer.connect(gw.url, '/v1/client');
      for (let i = 0; i < 2; i++) assert.ok((await c.request({ addAction: { action: LOG_ACTION } })).actionInfo);
      const r = await c.request({ addAction: { action: LOG_ACTION } });
      assert.equal(r.error?.code, ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED);
      assert.match(r.error?.message ?? '', /already holds 2 actions, its limit/);
      assert.equal((await c.request({ listActions: {} })).actionList?.actions?.length, 2);
      agent.close();
      c.close();
    });

    it('asks an agent to say hello before anything else', async () => {
      const a = await ProtocolPeer.connect(gw.url, '/v1/agent');
      const r = await a.request({ filesLoaded: { files: [] } });
      assert.equal(r.error?.code, ErrorCode.ERROR_CODE_FAILED_PRECONDITION);
      a.close();
    });
  });

  it('routes an action to the agents that can see the file, fans out events and sums hits', async () => {
    const client = await ProtocolPeer.connect(gw.url, '/v1/client');
    const watcher = await ProtocolPeer.connect(gw.url, '/v1/client');
    await client.request({ subscribe: {} });
    await watcher.request({ subscribe: {} });
    const a1 = await ScriptedAgent.connect(gw.url, { agentId: 'a1', instanceId: 'p1' }, ['/srv/app/src/server.js']);
    const a2 = await ScriptedAgent.connect(gw.url, { agentId: 'a2', instanceId: 'p2' }, ['/srv/app/src/server.js']);
    const blind = await ScriptedAgent.connect(gw.url, { agentId: 'a3' }, ['/srv/app/src/elsewhere.js']);
    assert.equal(a1.actionSet.actionSet?.actions?.length, 0);

    const added = await client.request({ addAction: { action: LOG_ACTION } });
    const id = added.actionInfo?.action?.id ?? '';
    assert.ok(id, `action added: ${JSON.stringify(added.toJSON())}`);
    assert.equal(added.actionInfo?.action?.creator, 'dev');
    assert.ok(Number(added.actionInfo?.action?.expiresAtMs) > Date.now(), 'default expiry set');
    for (const a of [a1, a2]) assert.equal((await a.peer.next((e) => !!e.actionUpsert, 'upsert')).actionUpsert?.action?.id, id);

    a1.peer.send({ events: { events: [
      { state: { actionId: id, state: ActionStateKind.ACTION_STATE_KIND_ACTIVE } },
      { log: { actionId: id, agentId: 'spoofed', text: 'name=aa', timeMs: 1 } },
      { hits: { actionId: id, hits: 2 } },
      { log: { actionId: 'unknown', text: 'dropped' } },
    ] } });
    a2.peer.send({ events: { events: [{ hits: { actionId: id, hits: 3 } }] } });
    for (const c of [client, watcher]) {
      const log = await c.next((e) => !!e.events?.events?.some((x) => x.log), 'a log event');
      const line = log.events!.events!.find((x) => x.log)!.log!;
      assert.equal(line.text, 'name=aa');
      assert.equal(line.agentId, 'a1', 'the gateway names the sending agent');
      assert.ok(!log.events!.events!.some((x) => x.log?.text === 'dropped'), 'events for unknown actions are dropped');
      await c.next((e) => !!e.events?.events?.some((x) => x.hits && Number(x.hits.hits) === 5 && x.hits.agentId === ''), 'total hits 5');
    }
    const listed = (await client.request({ listActions: {} })).actionList!.actions![0]!;
    assert.equal(Number(listed.totalHits), 5);
    assert.equal(listed.states?.[0]?.state, ActionStateKind.ACTION_STATE_KIND_ACTIVE);
    assert.ok(!blind.peer.received.some((e) => e.actionUpsert), 'an agent that cannot see the file gets nothing');

    assert.ok((await client.request({ removeAction: { actionId: id } })).ack);
    await a1.peer.next((e) => e.actionRemoved?.actionId === id, 'removal at the agent');
    await watcher.next((e) => e.actionRemoved?.actionId === id, 'removal at the other client');
    const again = await client.request({ removeAction: { actionId: id } });
    assert.equal(again.error?.code, ErrorCode.ERROR_CODE_NOT_FOUND);
    for (const p of [client, watcher, a1.peer, a2.peer, blind.peer]) p.close();
  });

  it('sends an action only to agents whose tags, app and id match its target', async () => {
    const prod = await ScriptedAgent.connect(gw.url, { agentId: 'p', appName: 'shop', tags: ['production'] }, ['/srv/app/src/server.js']);
    const staging = await ScriptedAgent.connect(gw.url, { agentId: 's', appName: 'shop', tags: ['staging'] }, ['/srv/app/src/server.js']);
    const py = await ScriptedAgent.connect(gw.url, { agentId: 'py', runtime: sonde.v1.Runtime.RUNTIME_PYTHON }, ['/srv/app/src/server.js']);
    const c = await ProtocolPeer.connect(gw.url, '/v1/client');
    const r = await c.request({ addAction: { action: { ...LOG_ACTION, target: { tags: ['production'], appName: 'shop' } } } });
    const id = r.actionInfo?.action?.id;
    assert.ok(id);
    await prod.peer.next((e) => e.actionUpsert?.action?.id === id, 'upsert at the production agent');
    await c.request({ listActions: {} }); // a barrier: by now any upsert to the others was sent
    assert.ok(!staging.peer.received.some((e) => e.actionUpsert) && !py.peer.received.some((e) => e.actionUpsert));
    const wrongTag = await c.request({ addAction: { action: { ...LOG_ACTION, target: { tags: ['qa'] } } } });
    // No connected agent is tagged qa: the action waits for one (a task or a service that starts later), and goes to none of these.
    const waiting = wrongTag.actionInfo?.action?.id;
    assert.ok(waiting, JSON.stringify(wrongTag.error));
    await c.request({ listActions: {} });
    for (const a of [prod, staging, py]) assert.ok(!a.peer.received.some((e) => e.actionUpsert?.action?.id === waiting));
    for (const p of [c, prod.peer, staging.peer, py.peer]) p.close();
  });

  it('keeps actions and hit counts across a restart and re-sends them to reconnecting agents', async () => {
    const agent = await ScriptedAgent.connect(gw.url, { agentId: 'a1', instanceId: 'i1' }, ['/srv/app/src/server.js']);
    const c = await ProtocolPeer.connect(gw.url, '/v1/client');
    await c.request({ subscribe: {} });
    const id = (await c.request({ addAction: { action: LOG_ACTION } })).actionInfo?.action?.id;
    agent.peer.send({ events: { events: [{ hits: { actionId: id, hits: 4 } }] } });
    await c.next((e) => !!e.events?.events?.some((x) => Number(x.hits?.hits) === 4), 'hits stored');
    await gw.close();
    gw = await startGateway({ dataDir, insecureDev: true, port: 0, log: quiet });
    const back = await ScriptedAgent.connect(gw.url, { agentId: 'a1', instanceId: 'i2' }, ['/srv/app/src/server.js']);
    assert.deepEqual(back.actionSet.actionSet?.actions?.map((a) => a.id), [id]);
    const c2 = await ProtocolPeer.connect(gw.url, '/v1/client');
    await c2.request({ subscribe: {} });
    back.peer.send({ events: { events: [{ hits: { actionId: id, hits: 1 } }] } });
    await c2.next((e) => !!e.events?.events?.some((x) => Number(x.hits?.hits) === 5), 'a restarted process adds to the stored total');
    back.peer.close();
    c2.close();
  });

  it('expires an action and tells clients', async () => {
    const agent = await ScriptedAgent.connect(gw.url, { agentId: 'a1' }, ['/srv/app/src/server.js']);
    const c = await ProtocolPeer.connect(gw.url, '/v1/client');
    await c.request({ subscribe: {} });
    const id = (await c.request({ addAction: { action: { ...LOG_ACTION, expiresAtMs: Date.now() + 300 } } })).actionInfo?.action?.id;
    await c.next((e) => !!e.events?.events?.some((x) => x.state?.actionId === id && x.state?.state === ActionStateKind.ACTION_STATE_KIND_EXPIRED), 'expired state');
    await c.next((e) => e.actionRemoved?.actionId === id, 'removal');
    await agent.peer.next((e) => e.actionRemoved?.actionId === id, 'removal at the agent');
    agent.peer.close();
    c.close();
  });

  it('closes cleanly while agents and clients are still connected', async () => {
    const agent = await ScriptedAgent.connect(gw.url, { agentId: 'a1' }, ['/srv/app/src/server.js']);
    const c = await ProtocolPeer.connect(gw.url, '/v1/client');
    await c.request({ subscribe: {} });
    const id = (await c.request({ addAction: { action: LOG_ACTION } })).actionInfo?.action?.id;
    agent.sendEvents([{ state: { actionId: id, state: ActionStateKind.ACTION_STATE_KIND_ACTIVE } }]);
    await c.next((e) => !!e.events?.events?.some((x) => x.state?.actionId === id), 'the state at the client');
    await gw.close();
    await Promise.all([agent.peer.closed, c.closed]);
    // The connections' close handlers ran after the store closed: they must not have touched it.
    await new Promise((r) => setImmediate(r));
    gw = await startGateway({ dataDir, insecureDev: true, port: 0, log: quiet });
  });

  it('refuses to start with neither an identity provider nor --insecure-dev, or --insecure-dev on a non-loopback host', async () => {
    await assert.rejects(startGateway({ dataDir, insecureDev: false, port: 0, log: quiet }), /needs an identity provider: give --oidc-issuer/);
    await assert.rejects(startGateway({ dataDir, insecureDev: true, host: '0.0.0.0', port: 0, log: quiet }), /loopback only/);
  });
});
