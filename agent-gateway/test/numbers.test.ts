// Issue 11, cases 6 and 11: numbers are checked at the edge (lines, expiry,
// enums, hit counts), no report can poison a total, and drops and
// suppressions are summed per action and shown per agent.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sonde } from '@sonde/protocol';
import { ProtocolPeer, ScriptedAgent } from '@sonde/rpc/testing';
import { health, LOG_ACTION } from './support.js';
import { startTestGateway, type TestGateway } from '../src/testing.js';

const { ErrorCode } = sonde.v1;
const FILE = '/srv/app/src/server.js';
const DAY = 86_400_000;

describe('gateway: numbers from peers (cases 6 and 11)', () => {
  let g: TestGateway;
  let agent: ScriptedAgent;
  let c: ProtocolPeer;
  let id: string;

  async function setUp(opts: Parameters<typeof startTestGateway>[0] = {}): Promise<void> {
    g = await startTestGateway(opts);
    agent = await ScriptedAgent.connect(g.url, { agentId: 'a1', instanceId: 'p1' }, [FILE]);
    c = await ProtocolPeer.connect(g.url, '/v1/client');
    await c.request({ subscribe: {} });
    id = (await c.request({ addAction: { action: LOG_ACTION } })).actionInfo?.action?.id ?? '';
  }
  afterEach(async () => {
    agent?.close();
    c?.close();
    await g?.close();
  });

  /** Sends hit reports, then a log line as a barrier, and returns the summed counts the clients were pushed before it. */
  async function report(...hits: sonde.v1.IHitCount[]): Promise<sonde.v1.IHitCount[]> {
    return reportFrom(agent, ...hits);
  }

  async function reportFrom(from: ScriptedAgent, ...hits: sonde.v1.IHitCount[]): Promise<sonde.v1.IHitCount[]> {
    const marker = `barrier-${Math.random()}`;
    for (const h of hits) from.sendEvents([{ hits: { actionId: id, ...h } }]);
    from.sendEvents([{ log: { actionId: id, text: marker } }]);
    const pushed: sonde.v1.IHitCount[] = [];
    for (;;) {
      const e = await c.next((x) => !!x.events, 'events');
      for (const x of e.events!.events!) if (x.hits) pushed.push(x.hits);
      if (e.events!.events!.some((x) => x.log?.text === marker)) return pushed;
    }
  }

  async function listed(): Promise<sonde.v1.IActionInfo> {
    return (await c.request({ listActions: {} })).actionList!.actions![0]!;
  }

  it('refuses a hit count past 2^53, one that goes down, and one that jumps past what a process can count, keeping the total', async () => {
    await setUp({ limits: { maxHitsPerSecond: 1000 } });
    assert.deepEqual((await report({ hits: 10 })).map((h) => Number(h.hits)), [10]);
    assert.deepEqual(await report({ hits: '9007199254740993' as unknown as number }), [], 'past 2^53: refused');
    assert.deepEqual(await report({ hits: 5 }), [], 'down: refused');
    assert.deepEqual(await report({ hits: 1_000_000 }), [], 'a jump past 1000 a second: refused');
    assert.equal(Number((await listed()).totalHits), 10, 'the total is untouched');
    assert.deepEqual((await report({ hits: 12 })).map((h) => Number(h.hits)), [12], 'the next true report counts');
    const h = await health(g.url);
    assert.equal(h.gatewayDropped.hitReports, 3);
    assert.ok(g.logs.some((l) => l.includes('hits went from 10 to 5; counts are cumulative per agent process and never go down')), g.logs.join('\n'));
    assert.ok(g.logs.some((l) => l.includes('hits 9007199254740993 is not a count the gateway can hold exactly')));
  });

  it('passes on the highest cost per hit among the agent processes, and ignores one that is not a plausible figure', async () => {
    await setUp();
    assert.deepEqual((await report({ hits: 64, costNsPerHit: 90 })).map((h) => h.costNsPerHit), [90]);
    const second = await ScriptedAgent.connect(g.url, { agentId: 'a2', instanceId: 'q1' }, [FILE]);
    assert.deepEqual((await reportFrom(second, { hits: 64, costNsPerHit: 400 })).map((h) => h.costNsPerHit), [400]);
    assert.deepEqual((await report({ hits: 128, costNsPerHit: 95 })).map((h) => h.costNsPerHit), [400]);
    assert.deepEqual((await report({ hits: 192, costNsPerHit: Number.NaN })).map((h) => h.costNsPerHit), [400]);
    second.close();
  });

  it('sums dropped and suppressed like hits: pushed, listed, kept across a restart, and refused when they go down', async () => {
    await setUp();
    const pushed = await report({ hits: 10, dropped: 3, suppressed: 4 });
    assert.deepEqual(pushed.map((h) => [h.agentId, Number(h.hits), Number(h.dropped), Number(h.suppressed)]), [['', 10, 3, 4]]);
    assert.deepEqual((await report({ hits: 10, dropped: 3, suppressed: 6 })).map((h) => Number(h.suppressed)), [6], 'a change of suppressed alone is pushed');
    assert.deepEqual(await report({ hits: 10, dropped: 2, suppressed: 6 }), [], 'dropped going down: refused');
    agent.close();
    await g.restart();
    agent = await ScriptedAgent.connect(g.url, { agentId: 'a1', instanceId: 'p2' }, [FILE]);
    c.close();
    c = await ProtocolPeer.connect(g.url, '/v1/client');
    await c.request({ subscribe: {} });
    const again = await report({ hits: 1, dropped: 1, suppressed: 1 });
    assert.deepEqual(again.map((h) => [Number(h.hits), Number(h.dropped), Number(h.suppressed)]), [[11, 4, 7]]);
    const info = await listed();
    assert.deepEqual([Number(info.totalHits), Number(info.totalDropped), Number(info.totalSuppressed)], [11, 4, 7]);
  });

  it("shows each agent's own drops and suppressions, and their sum, in /health", async () => {
    await setUp();
    const other = await ScriptedAgent.connect(g.url, { agentId: 'a2' }, [FILE]);
    agent.sendEvents([{ stats: { agentId: 'a1', hits: 100, droppedEvents: 4100, suppressed: 7 } }]);
    other.sendEvents([{ stats: { agentId: 'a2', hits: 5, droppedEvents: 1, suppressed: 2 } }]);
    await report({ hits: 1 }); // a barrier for a1
    other.sendEvents([{ log: { actionId: id, text: 'b2' } }]);
    await c.next((e) => !!e.events?.events?.some((x) => x.log?.text === 'b2'), 'a barrier for a2');
    const h = await health(g.url);
    assert.equal(h.droppedEvents, 4101);
    assert.equal(h.suppressed, 9);
    assert.deepEqual(h.perAgent.map((a) => [a.agentId, a.droppedEvents, a.suppressed]).sort(), [['a1', 4100, 7], ['a2', 1, 2]]);
    other.close();
  });

  it('refuses lines, expiries and enum values out of range, naming the field and the limit', async () => {
    await setUp();
    const now = Date.now();
    const cases: [sonde.v1.IAction, RegExp][] = [
      [{ ...LOG_ACTION, location: { file: 'src/server.js', line: 2 ** 31 } }, /^location\.line 2147483648 is past 1000000, the highest line the gateway accepts$/],
      [{ ...LOG_ACTION, location: { file: 'src/server.js', line: 2 ** 32 - 1 } }, /^location\.line 4294967295 is past 1000000/],
      [{ ...LOG_ACTION, endLocation: { file: 'src/server.js', line: 1_000_001 } }, /^end_location\.line 1000001 is past 1000000/],
      [{ ...LOG_ACTION, expiresAtMs: '9223372036854775807' as unknown as number }, /^expires_at_ms 9223372036854775807 is too far ahead; the latest the gateway accepts is 7 days from now \(\d+\)$/],
      [{ ...LOG_ACTION, expiresAtMs: now + 8 * DAY }, /^expires_at_ms \d+ is too far ahead; the latest the gateway accepts is 7 days from now/],
      [{ ...LOG_ACTION, expiresAtMs: -5 }, /^expires_at_ms -5 is in the past$/],
      [{ ...LOG_ACTION, logLevel: 99 as sonde.v1.LogLevel }, /^log_level 99 is not a known value; use LOG_LEVEL_DEBUG, _INFO, _WARN or _ERROR, or leave it unset$/],
      [{ ...LOG_ACTION, logDestination: 7 as sonde.v1.LogDestination }, /^log_destination 7 is not a known value; use LOG_DESTINATION_EDITOR, _APP or _BOTH, or leave it unset$/],
      [{ ...LOG_ACTION, target: { runtime: 9 as sonde.v1.Runtime } }, /^target\.runtime 9 is not a known value/],
    ];
    for (const [action, message] of cases) {
      const r = await c.request({ addAction: { action } });
      assert.equal(r.error?.code, ErrorCode.ERROR_CODE_INVALID_ARGUMENT, JSON.stringify(action));
      assert.match(r.error?.message ?? '', message);
    }
    const edge = await c.request({ addAction: { action: { ...LOG_ACTION, location: { file: 'src/server.js', line: 1_000_000 }, expiresAtMs: now + 6 * DAY } } });
    assert.ok(edge.actionInfo, JSON.stringify(edge.error));
    assert.equal(Number(edge.actionInfo.action?.expiresAtMs), now + 6 * DAY, 'the expiry comes back as given');
  });

  it('opens a sonde.db from before the drop columns, keeping its hit counts', async () => {
    const dir = join((await import('node:os')).tmpdir(), `sonde-gw-old-${process.pid}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    const old = new Database(join(dir, 'sonde.db'));
    old.exec(`CREATE TABLE actions (id TEXT PRIMARY KEY, body BLOB NOT NULL, created_at_ms INTEGER NOT NULL);
      CREATE TABLE hits (action_id TEXT NOT NULL, instance TEXT NOT NULL, hits INTEGER NOT NULL, PRIMARY KEY (action_id, instance));`);
    const action = sonde.v1.Action.create({ ...LOG_ACTION, id: 'old1', createdAtMs: Date.now() - 1000, expiresAtMs: Date.now() + DAY });
    old.prepare('INSERT INTO actions VALUES (?, ?, ?)').run('old1', Buffer.from(sonde.v1.Action.encode(action).finish()), Date.now() - 1000);
    old.prepare('INSERT INTO hits VALUES (?, ?, ?)').run('old1', 'a1/p0', 42);
    old.close();
    g = await startTestGateway({ dataDir: dir });
    c = await ProtocolPeer.connect(g.url, '/v1/client');
    const info = await listed();
    assert.deepEqual([info.action?.id, Number(info.totalHits), Number(info.totalDropped)], ['old1', 42, 0]);
    agent = await ScriptedAgent.connect(g.url, { agentId: 'a1', instanceId: 'p1' }, [FILE]);
    await c.request({ subscribe: {} });
    id = 'old1';
    const pushed = await report({ hits: 1, dropped: 2 });
    assert.deepEqual(pushed.map((h) => [Number(h.hits), Number(h.dropped)]), [[43, 2]]);
    rmSync(dir, { recursive: true, force: true });
  });
});
