import assert from 'node:assert/strict';
import { sonde } from '@sonde/protocol';
import { ActionMirror } from '@sonde/client-core';
import { actionStateParams, Refresher, Throttle, type Timers } from '../src/features/refresh.js';
import type { SondeActionStateParams } from '../src/lsp-protocol.js';
import { Workspace } from '../src/workspace.js';
import { Kind, hits, logInfo, state } from '@sonde/client-core/testing';

/** A clock that moves only when the test says so. */
class FakeTimers implements Timers {
  time = 0;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.queue.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }
}

describe('refresh throttle', () => {
  it('runs at most once per interval however often it is scheduled, and runs after the last schedule', () => {
    const timers = new FakeTimers();
    const runs: number[] = [];
    const throttle = new Throttle(500, () => runs.push(timers.now()), timers);
    for (let t = 0; t < 2000; t += 10) {
      throttle.schedule();
      timers.advance(10);
    }
    timers.advance(1000);
    // 2 s of changes: one run per 500 ms window, plus the trailing one.
    assert.ok(runs.length <= 5, `ran ${runs.length} times`);
    for (let i = 1; i < runs.length; i++) assert.ok(runs[i]! - runs[i - 1]! >= 500);
    assert.ok(runs[runs.length - 1]! >= 1990, 'the last changes were flushed');
  });

  it('never runs synchronously, so that one batch coalesces', () => {
    const timers = new FakeTimers();
    let runs = 0;
    const throttle = new Throttle(500, () => runs++, timers);
    throttle.schedule();
    throttle.schedule();
    assert.equal(runs, 0);
    timers.advance(0);
    assert.equal(runs, 1);
  });
});

describe('refresher', () => {
  const workspace = new Workspace('/srv/shop');

  function setup(refreshSupported: boolean) {
    const timers = new FakeTimers();
    const mirror = new ActionMirror();
    const states: SondeActionStateParams[] = [];
    const files: string[][] = [];
    let lensRefreshes = 0;
    const refresher = new Refresher({
      mirror,
      workspace,
      timers,
      intervalMs: 500,
      sendActionState: (p) => states.push(p),
      publishDiagnostics: (f) => files.push([...f]),
      refreshLenses: refreshSupported ? () => lensRefreshes++ : undefined,
    });
    return { timers, mirror, states, files, refresher, lensRefreshes: () => lensRefreshes };
  }

  it('sends one sonde/actionState per changed action with the latest counts, then refreshes lenses', () => {
    const s = setup(true);
    s.refresher.enqueue(s.mirror.upsert(logInfo('a', 'src/app.js', 4, 'n={n}', { states: [state('a', 'ag', Kind.ACTION_STATE_KIND_ACTIVE)] })));
    s.refresher.enqueue(s.mirror.applyEvents([hits('a', 1)]));
    s.refresher.enqueue(s.mirror.applyEvents([hits('a', 2)]));
    s.timers.advance(0);
    assert.deepEqual(s.states, [
      { actionId: 'a', uri: 'file:///srv/shop/src/app.js', line: 3, kind: 'log', format: 'n={n}', state: 'active', hits: 2, agents: [{ agentId: 'ag', state: 'active' }] },
    ]);
    assert.deepEqual(s.files, [['src/app.js']]);
    assert.equal(s.lensRefreshes(), 1);
  });

  it('does not refresh lenses for a client that did not advertise refreshSupport', () => {
    const s = setup(false);
    s.refresher.enqueue(s.mirror.upsert(logInfo('a', 'src/app.js', 4, 'x')));
    s.timers.advance(0);
    assert.equal(s.states.length, 1);
    assert.equal(s.lensRefreshes(), 0);
  });

  it('reports a removed action as removed, with what it was', () => {
    const s = setup(true);
    s.refresher.enqueue(s.mirror.upsert(logInfo('a', 'src/app.js', 4, 'x={x}', { hits: 9 })));
    s.timers.advance(0);
    s.refresher.enqueue(s.mirror.remove('a'));
    s.timers.advance(500);
    assert.deepEqual(s.states[1], { actionId: 'a', uri: 'file:///srv/shop/src/app.js', line: 3, kind: 'log', format: 'x={x}', state: 'removed', hits: 9, agents: [] });
  });

  it('builds actionState params with the summary reason', () => {
    const mirror = new ActionMirror();
    mirror.upsert(logInfo('e', 'a.js', 1, 'x', { states: [state('e', 'a1', Kind.ACTION_STATE_KIND_ERROR, 'nope')] }));
    const p = actionStateParams('e', mirror, workspace)!;
    assert.equal(p.state, 'error');
    assert.equal(p.reason, 'nope');
    assert.deepEqual(p.agents, [{ agentId: 'a1', state: 'error', reason: 'nope' }]);
  });

  it('adds the reason code of each agent, and of the state the summary stands for, when the agent sent one', () => {
    const Reason = sonde.v1.ReasonCode;
    const mirror = new ActionMirror();
    mirror.upsert(logInfo('e', 'a.js', 1, 'x', {
      states: [
        state('e', 'a1', Kind.ACTION_STATE_KIND_ACTIVE, 'installed', Reason.REASON_CODE_INSTALLED),
        state('e', 'a2', Kind.ACTION_STATE_KIND_ERROR, 'a.js is not loaded here', Reason.REASON_CODE_FILE_NOT_FOUND),
        state('e', 'a3', Kind.ACTION_STATE_KIND_PENDING),
      ],
    }));
    const p = actionStateParams('e', mirror, workspace)!;
    assert.equal(p.reason, 'a.js is not loaded here');
    assert.equal(p.reasonCode, 'file_not_found');
    assert.deepEqual(p.agents, [
      { agentId: 'a1', state: 'active', reason: 'installed', reasonCode: 'installed' },
      { agentId: 'a2', state: 'error', reason: 'a.js is not loaded here', reasonCode: 'file_not_found' },
      { agentId: 'a3', state: 'pending' },
    ]);
  });

  it('adds dropped and suppressed only when non-zero, and keeps them on the removal', () => {
    const s = setup(true);
    s.refresher.enqueue(s.mirror.upsert(logInfo('a', 'src/app.js', 4, 'n={n}', { hits: 7, states: [state('a', 'ag', Kind.ACTION_STATE_KIND_ACTIVE)] })));
    s.timers.advance(0);
    assert.equal('dropped' in s.states[0]! || 'suppressed' in s.states[0]!, false);
    s.refresher.enqueue(s.mirror.applyEvents([hits('a', 9, '', { dropped: 12, suppressed: 250 })]));
    s.timers.advance(500);
    assert.deepEqual(s.states[1], {
      actionId: 'a',
      uri: 'file:///srv/shop/src/app.js',
      line: 3,
      kind: 'log',
      format: 'n={n}',
      state: 'active',
      hits: 9,
      dropped: 12,
      suppressed: 250,
      agents: [{ agentId: 'ag', state: 'active' }],
    });
    s.refresher.enqueue(s.mirror.remove('a'));
    s.timers.advance(500);
    assert.deepEqual([s.states[2]?.state, s.states[2]?.dropped, s.states[2]?.suppressed], ['removed', 12, 250]);
  });

  it('says an action expired (the gateway\'s state, not an agent\'s) and that its removal was an expiry', () => {
    const s = setup(true);
    s.refresher.enqueue(s.mirror.upsert(logInfo('a', 'src/app.js', 4, 'x', { hits: 2, states: [state('a', 'ag', Kind.ACTION_STATE_KIND_ACTIVE)] })));
    s.timers.advance(0);
    // The gateway's expiry, flushed on its own before the removal comes.
    s.refresher.enqueue(s.mirror.applyEvents([{ state: { actionId: 'a', agentId: '', state: Kind.ACTION_STATE_KIND_EXPIRED, reason: 'expired' } }]));
    s.timers.advance(500);
    assert.deepEqual([s.states[1]?.state, s.states[1]?.reason, s.states[1]?.agents], ['expired', 'expired', [{ agentId: 'ag', state: 'active' }]]);
    s.refresher.enqueue(s.mirror.remove('a'));
    s.timers.advance(500);
    assert.deepEqual([s.states[2]?.state, s.states[2]?.reason], ['removed', 'expired']);
    // A removal by someone says nothing of the sort.
    s.refresher.enqueue(s.mirror.upsert(logInfo('b', 'src/app.js', 5, 'y')));
    s.timers.advance(500);
    s.refresher.enqueue(s.mirror.remove('b'));
    s.timers.advance(500);
    assert.deepEqual([s.states[4]?.state, s.states[4]?.reason], ['removed', undefined]);
  });
});
