import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SONDE_VERSION } from '@sonde/protocol';
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
    const none = { invalid: 0, empty: 0, overRate: 0, tooLarge: 0, hitReports: 0 };
    assert.deepEqual(await res.json(), {
      status: 'ok',
      version: SONDE_VERSION,
      agents: 1,
      clients: 1,
      actions: 0,
      // What was lost, overall and per agent (issue 11): nothing yet.
      droppedEvents: 0,
      suppressed: 0,
      gatewayDropped: none,
      perAgent: [{ agentId: 'a1', droppedEvents: 0, suppressed: 0, gatewayDropped: none }],
    });
    agent.close();
    c.close();
  });

  it('never answers with a frame over the limit: a list that would be goes in parts, and a hello that would make one is refused', async () => {
    // Tags that, listed for two agents, would make an agent list over 1 MiB: refused at hello, naming the field.
    const tags = Array.from({ length: 6000 }, (_, i) => `tag-${i}-${'x'.repeat(90)}`);
    await assert.rejects(ScriptedAgent.connect(gw.url, { agentId: 'a1', tags }, []), /hello\.tags has 6000 entries; the limit is 64/);
    // Within the caps, many agents' list goes in parts that the client reads as one reply.
    const fit = Array.from({ length: 64 }, (_, i) => `tag-${i}-${'x'.repeat(100)}`);
    const agents = await Promise.all(Array.from({ length: 150 }, (_, i) => ScriptedAgent.connect(gw.url, { agentId: `a${i}`, tags: fit }, [])));
    const c = await ProtocolPeer.connect(gw.url, '/v1/client');
    const first = await c.request({ listAgents: {} });
    assert.equal(first.more, true, 'the agent list is over a frame, so it comes in parts');
    let listed = first.agentList?.agents?.length ?? 0;
    for (let part = first; part.more; listed += part.agentList?.agents?.length ?? 0) part = await c.next((e) => e.replyTo === first.replyTo, 'the next part');
    assert.equal(listed, 150);
    assert.ok((await c.request({ listActions: {} })).actionList, 'the connection still serves');
    for (const a of agents) a.close();
    c.close();
  });
});
