import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_FRAME_BYTES, SONDE_VERSION, sonde } from '@sonde/protocol';
import { ProtocolPeer, ScriptedAgent } from '@sonde/rpc/testing';
import { startGateway, type RunningGateway } from '../src/index.js';

describe('gateway replies', () => {
  let dataDir: string;
  let gw: RunningGateway;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sonde-gw-replies-'));
    gw = await startGateway({ dataDir, insecureDev: true, port: 0, log: () => {} });
  });
  afterEach(async () => {
    await gw.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /health with the status, the one Sonde version and the counts', async () => {
    const agent = await ScriptedAgent.connect(gw.url, { agentId: 'a1' }, ['/srv/app/src/server.js']);
    const c = await ProtocolPeer.connect(gw.url, '/v1/client');
    await c.request({ subscribe: {} });
    const res = await fetch(`${gw.url}/health`);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), { status: 'ok', version: SONDE_VERSION, agents: 1, clients: 1, actions: 0 });
    agent.close();
    c.close();
  });

  it('answers a request whose reply would be over the frame limit with RESOURCE_EXHAUSTED instead of leaving it unanswered', async () => {
    // Two agents whose tags, listed together, make an agent list over 1 MiB.
    const tags = Array.from({ length: 6000 }, (_, i) => `tag-${i}-${'x'.repeat(90)}`);
    const agents = await Promise.all(['a1', 'a2'].map((agentId) => ScriptedAgent.connect(gw.url, { agentId, tags }, [])));
    const c = await ProtocolPeer.connect(gw.url, '/v1/client');
    const r = await c.request({ listAgents: {} });
    assert.equal(r.error?.code, sonde.v1.ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED);
    assert.match(r.error?.message ?? '', new RegExp(`the reply to listAgents is \\d+ bytes, over the ${MAX_FRAME_BYTES}-byte frame limit`));
    assert.ok((await c.request({ listActions: {} })).actionList, 'the connection still serves');
    for (const a of agents) a.close();
    c.close();
  });
});
