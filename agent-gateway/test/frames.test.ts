// Issue 11, case 2: nothing the gateway sends may be over the 1 MiB frame
// limit, whatever it holds, and fields are capped where they come in.
import assert from 'node:assert/strict';
import { MAX_FRAME_BYTES, sonde, encodeEnvelope } from '@sonde/protocol';
import { RequestError } from '@sonde/rpc';
import { ProtocolPeer, ScriptedAgent } from '@sonde/rpc/testing';
import { channelTo, helloAgent, LOG_ACTION } from './support.js';
import { startTestGateway, type TestGateway } from '../src/testing.js';

const { ErrorCode } = sonde.v1;
const FILE = '/srv/app/src/server.js';

describe('gateway: every frame it sends fits (case 2)', function () {
  this.timeout(60_000);
  let g: TestGateway;
  beforeEach(async () => {
    g = await startTestGateway({ limits: { maxConnectionsPerAddress: 1000 } });
  });
  afterEach(async () => {
    await g.close();
  });

  it('300 actions with 4 KB formats reach a subscriber, a lister and an agent whole, before and after a restart', async () => {
    const adder = await ScriptedAgent.connect(g.url, { agentId: 'adder' }, [FILE]);
    const c = await ProtocolPeer.connect(g.url, '/v1/client');
    const format = `{name} ${'x'.repeat(4089)}`;
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const r = await c.request({ addAction: { action: { ...LOG_ACTION, format, location: { file: 'src/server.js', line: i + 1 } } } });
      assert.ok(r.actionInfo?.action?.id, JSON.stringify(r.error));
      ids.push(r.actionInfo.action.id);
    }
    adder.close();
    c.close();
    const listBytes = encodeEnvelope({ actionList: { actions: ids.map((id) => ({ action: { id, format } })) } }).length;
    console.log(`      the action list is ${listBytes} bytes, over the ${MAX_FRAME_BYTES}-byte frame`);
    for (const round of ['before', 'after']) {
      if (round === 'after') await g.restart();
      // The agent they were sent to, back: its hello reply holds them all (a new agent is asked first, file by file).
      const agent = await helloAgent(g.url, { agentId: 'adder' }, [FILE]);
      assert.deepEqual(agent.actions.map((a) => a.id).sort(), [...ids].sort(), `the agent's hello reply holds every action (${round} the restart)`);
      const { channel } = await channelTo(g.url, '/v1/client');
      const subscribed = await channel.request({ subscribe: {} }, { expect: 'actionList', what: 'subscribe' });
      assert.equal(subscribed.actionList?.actions?.length, 300, `subscribe lists every action (${round} the restart)`);
      const listed = await channel.request({ listActions: {} }, { expect: 'actionList', what: 'list_actions' });
      assert.deepEqual(listed.actionList?.actions?.map((a) => a.action?.id).sort(), [...ids].sort());
      channel.close(1000, 'done');
      agent.channel.close(1000, 'done');
    }
  });

  it('lists 300 agents with the longest app names and tags it accepts, and refuses longer ones naming the field', async () => {
    const long = await ProtocolPeer.connect(g.url, '/v1/agent');
    const refused = await long.request({ hello: { agentId: 'long', appName: 'a'.repeat(4096) } });
    assert.equal(refused.error?.code, ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    assert.equal(refused.error?.message, 'hello.app_name is 4096 characters long; the limit is 256');
    long.close();
    const tags = Array.from({ length: 64 }, (_, i) => `${i}`.padEnd(128, 't'));
    for (let batch = 0; batch < 300; batch += 50) {
      const agents = await Promise.all(
        Array.from({ length: 50 }, (_, i) => helloAgent(g.url, { agentId: `agent-${batch + i}`.padEnd(256, '-'), appName: 'n'.repeat(256), tags }, [])),
      );
      for (const a of agents) a.channel.close(1000, 'done');
    }
    const { channel } = await channelTo(g.url, '/v1/client');
    const list = await channel.request({ listAgents: {} }, { expect: 'agentList', what: 'list_agents' });
    assert.equal(list.agentList?.agents?.length, 300);
    assert.ok(list.agentList!.agents!.every((a) => a.appName === 'n'.repeat(256) && a.tags?.length === 64));
    channel.close(1000, 'done');
  });

  it('splits a batch that the agent id makes larger than a frame into several pushes, losing no line', async () => {
    const agentId = 'x'.repeat(256);
    const agent = await ScriptedAgent.connect(g.url, { agentId }, [FILE]);
    const c = await ProtocolPeer.connect(g.url, '/v1/client');
    await c.request({ subscribe: {} });
    const id = (await c.request({ addAction: { action: LOG_ACTION } })).actionInfo?.action?.id ?? '';
    // Under the frame limit as the agent sends it; ~2,500 × 256 bytes more once each line names the agent.
    const lines = Array.from({ length: 2500 }, (_, i) => ({ log: { actionId: id, text: `${i} ${'v'.repeat(380)}` } }));
    const frame = encodeEnvelope({ events: { events: lines } });
    assert.ok(frame.length < MAX_FRAME_BYTES, `${frame.length} bytes in`);
    agent.peer.ws.send(frame);
    const seen = new Set<string>();
    while (seen.size < 2500) {
      const push = await c.next((e) => !!e.events?.events?.some((x) => x.log), 'log lines');
      for (const x of push.events!.events!) if (x.log) seen.add(x.log.text!.split(' ')[0]!);
    }
    assert.equal(seen.size, 2500);
    assert.ok((await c.request({ listActions: {} })).actionList, 'the client is still served');
    agent.close();
    c.close();
  });

  it('refuses over-long fields of an action and of a hello with INVALID_ARGUMENT naming the field and its limit', async () => {
    const agent = await ScriptedAgent.connect(g.url, { agentId: 'a1' }, [FILE]);
    const { channel } = await channelTo(g.url, '/v1/client');
    const cases: [sonde.v1.IAction, string][] = [
      [{ ...LOG_ACTION, target: { agentIds: Array.from({ length: 101 }, (_, i) => `a${i}`) } }, 'target.agent_ids has 101 entries; the limit is 100'],
      [{ ...LOG_ACTION, target: { agentIds: ['a'.repeat(257)] } }, 'target.agent_ids[0] is 257 characters long; the limit is 256'],
      [{ ...LOG_ACTION, target: { tags: ['t'.repeat(129)] } }, 'target.tags[0] is 129 characters long; the limit is 128'],
      [{ ...LOG_ACTION, target: { appName: 'n'.repeat(257) } }, 'target.app_name is 257 characters long; the limit is 256'],
      [{ ...LOG_ACTION, metricName: 'm'.repeat(257) }, 'metric_name is 257 characters long; the limit is 256'],
      [{ ...LOG_ACTION, expressions: Array.from({ length: 33 }, () => 'a') }, 'expressions has 33 entries; the limit is 32'],
      [{ ...LOG_ACTION, location: { file: 'src/server.js', line: 1, method: 'm'.repeat(257) } }, 'location.method is 257 characters long; the limit is 256'],
      [{ ...LOG_ACTION, format: 'f'.repeat(4097) }, 'format is 4097 characters long; the limit is 4096'],
    ];
    for (const [action, message] of cases) {
      await assert.rejects(channel.request({ addAction: { action } }, { what: 'add_action' }), (e: unknown) => e instanceof RequestError && e.code === ErrorCode.ERROR_CODE_INVALID_ARGUMENT && e.message === message, message);
    }
    const hellos: [sonde.v1.IHello, string][] = [
      [{ agentId: 'i'.repeat(1_000_000) }, 'hello.agent_id is 1000000 characters long; the limit is 256'],
      [{ agentId: 'h', host: 'h'.repeat(257) }, 'hello.host is 257 characters long; the limit is 256'],
      [{ agentId: 'h', appVersion: 'v'.repeat(129) }, 'hello.app_version is 129 characters long; the limit is 128'],
      [{ agentId: 'h', runtimeVersion: 'v'.repeat(129) }, 'hello.runtime_version is 129 characters long; the limit is 128'],
      [{ agentId: 'h', tags: Array.from({ length: 65 }, () => 't') }, 'hello.tags has 65 entries; the limit is 64'],
      [{ agentId: 'h', roots: ['/'.repeat(4097)] }, 'hello.roots[0] is 4097 characters long; the limit is 4096'],
      [{ agentId: 'h', runtime: 9 as sonde.v1.Runtime }, 'hello.runtime 9 is not a known value; the agent must say RUNTIME_NODE, _PYTHON or _JVM'],
    ];
    for (const [hello, message] of hellos) {
      const p = await ProtocolPeer.connect(g.url, '/v1/agent');
      const r = await p.request({ hello });
      assert.equal(r.error?.code, ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
      assert.equal(r.error?.message, message);
      p.close();
    }
    assert.ok(!g.logs.some((l) => l.includes('i'.repeat(10_000))), 'a million-character agent id is not logged whole');
    assert.ok((await channel.request({ listActions: {} }, { what: 'list' })).actionList, 'still served');
    channel.close(1000, 'done');
    agent.close();
  });
});
