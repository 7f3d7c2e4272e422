// The gateway client against the real gateway (started in-process), with a
// scripted agent where the gateway needs one; a bare WebSocket server only for
// what the gateway cannot be made to do (hold a reply, check a token).
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { sonde } from '@sonde/protocol';
import { clientEndpoint, GatewayClient, GatewayRequestError, GatewayUnavailableError, type GatewayEvent } from '../src/index.js';
import { ScriptedAgent } from '@sonde/rpc/testing';
import { startTestGateway, type TestGateway } from '@sonde/agent-gateway/testing';
import { nextEvent } from './support/wait.js';

const { ErrorCode, ActionKind, ActionStateKind } = sonde.v1;
const quiet = { log: () => {}, initialRetryDelayMs: 20, maxRetryDelayMs: 200 };

describe('gateway client endpoint', () => {
  it('appends /v1/client to the base URL and speaks ws', () => {
    assert.equal(clientEndpoint('http://127.0.0.1:8790'), 'ws://127.0.0.1:8790/v1/client');
    assert.equal(clientEndpoint('https://sonde.example.com/base/'), 'wss://sonde.example.com/base/v1/client');
    assert.equal(clientEndpoint('ws://h:1'), 'ws://h:1/v1/client');
    assert.throws(() => clientEndpoint('ftp://h'), /use http, https, ws or wss/);
    assert.throws(() => clientEndpoint('localhost'), /is not a URL/);
  });
});

describe('gateway client against the gateway', function () {
  this.timeout(20_000);
  let gateway: TestGateway;
  let client: GatewayClient;
  const agents: ScriptedAgent[] = [];

  beforeEach(async () => {
    gateway = await startTestGateway();
    client = new GatewayClient({ url: gateway.url, ...quiet });
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) a.close();
    await client.close();
    await gateway.close();
  });

  it('a request made while the first connection is being dialled waits for it instead of failing', async () => {
    client.connect();
    assert.deepEqual(await client.listActions(), []);
  });

  it('subscribes on connecting when asked to, and emits the gateway\'s actions', async () => {
    const subscribing = new GatewayClient({ url: gateway.url, subscribe: true, ...quiet });
    try {
      const subscribed = nextEvent(subscribing, 'subscribed');
      subscribing.connect();
      assert.deepEqual(await subscribed, []);
    } finally {
      await subscribing.close();
    }
  });

  it('turns an Error reply into a GatewayRequestError with the gateway\'s code and message', async () => {
    await client.waitConnected();
    const err = await client.addAction({ kind: ActionKind.ACTION_KIND_LOG, location: { file: 'src/server.js', line: 3 }, format: 'x={x}' }).then(
      () => assert.fail('add_action without any agent should be refused'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof GatewayRequestError, String(err));
    assert.equal(err.code, ErrorCode.ERROR_CODE_NOT_FOUND);
    assert.equal(err.codeLabel, 'not_found');
    assert.match(err.gatewayMessage, /no connected agent can see src\/server\.js/);
    await assert.rejects(client.removeAction('nope'), (e: unknown) => e instanceof GatewayRequestError && e.code === ErrorCode.ERROR_CODE_NOT_FOUND);
  });

  it('adds, lists and removes actions, and emits what the gateway pushes', async () => {
    const agent = await ScriptedAgent.connect(gateway.url, { agentId: 'agent-1', appName: 'shop' }, ['/srv/app/src/server.js']);
    agents.push(agent);
    await client.waitConnected();
    assert.equal(client.connected, true);
    assert.deepEqual(await client.subscribe(), []);

    const pushedInfo = nextEvent(client, 'actionInfo');
    const info = await client.addAction({ kind: ActionKind.ACTION_KIND_LOG, location: { file: 'src/server.js', line: 3 }, format: 'name={name}' });
    const id = info.action?.id ?? '';
    assert.ok(id, 'the gateway assigns an id');
    assert.equal((await pushedInfo).action?.id, id);
    await agent.waitForAction((a) => a.id === id);

    const batch = nextEvent(client, 'events', (events) => events.some((e) => e.hits));
    const logs: GatewayEvent[] = [];
    client.on('events', (events) => logs.push(...events.filter((e) => e.log)));
    agent.sendEvents([
      { state: { actionId: id, agentId: 'agent-1', state: ActionStateKind.ACTION_STATE_KIND_ACTIVE } },
      { log: { actionId: id, agentId: 'agent-1', text: 'name=world', timeMs: 5 } },
      { hits: { actionId: id, agentId: 'agent-1', hits: 3 } },
    ]);
    const events = await batch;
    assert.equal(events.find((e) => e.state)?.state?.state, ActionStateKind.ACTION_STATE_KIND_ACTIVE);
    assert.deepEqual(logs.map((e) => e.log?.text), ['name=world']);
    // The total, from the gateway: an empty agent id.
    const total = events.find((e) => e.hits)?.hits;
    assert.equal(total?.agentId, '');
    assert.equal(Number(total?.hits), 3);

    assert.deepEqual((await client.listActions()).map((a) => a.action?.id), [id]);
    const removed = nextEvent(client, 'actionRemoved');
    await client.removeAction(id);
    assert.deepEqual(await removed, { actionId: id });
    assert.deepEqual(await client.listActions(), []);
    assert.deepEqual((await client.listAgents()).map((a) => [a.agentId, a.connected]), [['agent-1', true]]);
  });

  it('reconnects after the gateway restarts and subscribes again', async () => {
    const agent = await ScriptedAgent.connect(gateway.url, { agentId: 'agent-1' }, ['/srv/app/src/server.js']);
    agents.push(agent);
    await client.waitConnected();
    await client.subscribe();
    const info = await client.addAction({ kind: ActionKind.ACTION_KIND_LOG, location: { file: 'src/server.js', line: 3 }, format: 'x' });

    const lost = nextEvent(client, 'disconnected');
    await gateway.stop();
    assert.equal((await lost).wasConnected, true);
    await assert.rejects(client.listActions(), GatewayUnavailableError);

    const resubscribed = nextEvent(client, 'subscribed');
    await gateway.restart();
    // The gateway kept the action in its store; the new subscription lists it.
    assert.deepEqual((await resubscribed).map((a) => a.action?.id), [info.action?.id]);
  });

  it('fails requests at once while the gateway is unreachable, and keeps retrying', async () => {
    await gateway.stop();
    const attempts = nextEvent(client, 'disconnected', (e) => e.attempt >= 2);
    client.connect();
    const second = await attempts;
    assert.equal(second.wasConnected, false);
    await assert.rejects(client.listActions(), (e: unknown) => e instanceof GatewayUnavailableError && /not reachable/.test(e.message));
    const up = nextEvent(client, 'connected');
    await gateway.restart();
    await up;
    assert.deepEqual(await client.listActions(), []);
  });
});

describe('gateway client against a bare WebSocket server', () => {
  let server: WebSocketServer;
  let url: string;
  let headers: IncomingHttpHeaders[];
  const frames: Buffer[] = [];

  beforeEach(async () => {
    headers = [];
    frames.length = 0;
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (ws, req) => {
      headers.push(req.headers);
      // Never answers requests: holds every frame.
      ws.on('message', (data) => frames.push(data as Buffer));
    });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const ws of server.clients) ws.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the token as a bearer credential on the upgrade', async () => {
    const client = new GatewayClient({ url, token: () => 'tok-123', ...quiet });
    await client.waitConnected();
    await client.close();
    assert.equal(headers[0]?.authorization, 'Bearer tok-123');
    assert.equal(headers[0]?.upgrade?.toLowerCase(), 'websocket');
  });

  it('sends no Authorization header without a token', async () => {
    const client = new GatewayClient({ url, ...quiet });
    await client.waitConnected();
    await client.close();
    assert.equal(headers[0]?.authorization, undefined);
  });

  it('gives up on a request the gateway does not answer, with a GatewayUnavailableError', async () => {
    const client = new GatewayClient({ url, requestTimeoutMs: 50, ...quiet });
    await client.waitConnected();
    await assert.rejects(client.listActions(), (e: unknown) => e instanceof GatewayUnavailableError && /did not answer list_actions/.test(e.message));
    await client.close();
  });

  it('reports frames it cannot read and stays connected', async () => {
    const client = new GatewayClient({ url, ...quiet });
    await client.waitConnected();
    const problem = nextEvent(client, 'protocolError');
    for (const ws of server.clients) ws.send(Buffer.from([0xff, 0xff, 0xff]), { binary: true });
    assert.match((await problem).message, /is not a sonde\.v1\.Envelope/);
    assert.equal(client.connected, true);
    await client.close();
  });

  it('fails what is pending when closed', async () => {
    const client = new GatewayClient({ url, ...quiet });
    await client.waitConnected();
    const pending = assert.rejects(client.listActions(), GatewayUnavailableError);
    await client.close();
    await pending;
    assert.throws(() => client.connect(), /was closed/);
  });
});
