// What the agent counts, seen at its edge: a stand-in for the gateway on
// /v1/agent receives what the real agent sends (the real gateway forwards
// only summed hits to clients). Lines lost to the full buffer and hits the
// quota held back are counted per action, beside the hits.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { sonde, type Envelope } from '@sonde/protocol';
import { EnvelopeChannel } from '@sonde/rpc';
import { Agent } from '../src/agent.js';
import { resolveConfig } from '../src/config.js';
import { AGENT_ROOT, FIXTURES } from './probes/helpers.js';

const require = createRequire(import.meta.url);

/** Answers hello with a fixed action set and keeps every event the agent sends. */
class StandInGateway {
  readonly events: sonde.v1.IEvent[] = [];
  private readonly server: WebSocketServer;
  private wakers: (() => void)[] = [];

  /** What the agent logged, for failure messages. */
  note: () => string = () => '';

  constructor(actions: sonde.v1.IAction[]) {
    this.server = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/v1/agent' });
    this.server.on('connection', (socket) => {
      new EnvelopeChannel(socket, {
        endpoint: '/v1/agent',
        peer: 'the agent',
        handlers: {
          hello: () => ({ actionSet: { actions } }),
          events: (e: Envelope) => {
            this.events.push(...(e.events?.events ?? []));
            for (const wake of this.wakers.splice(0)) wake();
          },
        },
      });
    });
  }

  listening(): Promise<void> {
    return new Promise((resolve) => (this.server.address() ? resolve() : this.server.once('listening', () => resolve())));
  }

  get url(): string {
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async waitFor(match: (e: sonde.v1.IEvent) => boolean, what: string): Promise<sonde.v1.IEvent> {
    for (;;) {
      const found = [...this.events].reverse().find(match);
      if (found) return found;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(this.events.filter((e) => !e.log))}; ${this.note()}`)), 10_000);
        this.wakers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    for (const c of this.server.clients) c.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('agent counts (at its edge)', function () {
  this.timeout(20_000);

  it('counts per action the lines lost to the full buffer and the hits the quota held back, beside the hits, and totals them', async () => {
    const action: sonde.v1.IAction = { id: 'counted', kind: sonde.v1.ActionKind.ACTION_KIND_LOG, location: { file: 'test/fixtures/greet.cjs', line: 4 }, format: 'n={name}' };
    const gateway = new StandInGateway([action]);
    await gateway.listening();
    const logs: string[] = [];
    const agent = new Agent(resolveConfig({ gatewayUrl: gateway.url, agentId: 'counter-1', roots: [AGENT_ROOT] }), (m) => logs.push(m), {
      // 100 lines in a burst, next to none after; room for 40 of them between flushes.
      quota: { perProbeBurst: 100, perProbePerSecond: 0.001 },
      bufferCapacity: 40,
      statsIntervalMs: 50,
    });
    gateway.note = () => `agent log: ${logs.join(' | ')}`;
    agent.start();
    try {
      await gateway.waitFor((e) => e.state?.actionId === 'counted' && e.state.state === sonde.v1.ActionStateKind.ACTION_STATE_KIND_ACTIVE, 'the probe to be active');
      const { greet } = require(join(FIXTURES, 'greet.cjs')) as { greet(name: string): string };
      for (let i = 0; i < 300; i++) greet(`g${i}`); // one turn: no flush in between
      const count = (await gateway.waitFor((e) => Number(e.hits?.hits) === 300, 'the hit count')).hits!;
      assert.deepEqual(
        { actionId: count.actionId, agentId: count.agentId, hits: Number(count.hits), dropped: Number(count.dropped), suppressed: Number(count.suppressed) },
        { actionId: 'counted', agentId: 'counter-1', hits: 300, dropped: 60, suppressed: 200 },
      );
      const lines = gateway.events.filter((e) => e.log?.actionId === 'counted').map((e) => e.log!.text);
      assert.deepEqual(lines, Array.from({ length: 40 }, (_, i) => `n=g${60 + i}`), 'the newest 40 of the 100 admitted lines');
      const stats = (await gateway.waitFor((e) => Number(e.stats?.hits) === 300, 'the agent stats')).stats!;
      assert.deepEqual([Number(stats.droppedEvents), Number(stats.suppressed)], [60, 200]);
    } finally {
      agent.stop();
      await gateway.close();
    }
  });
});
