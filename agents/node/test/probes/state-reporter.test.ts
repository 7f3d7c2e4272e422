import assert from 'node:assert/strict';
import { StateReporter } from '../../src/probes/state-reporter.js';
import type { ProbeState } from '../../src/probes/index.js';
import { RecordingSink } from './helpers.js';

const brief = (states: ProbeState[]) => states.map((s) => `${s.actionId} ${s.state} ${s.code}`);

describe('probes/state-reporter', () => {
  it('keeps each action\'s latest state, hands out the unsent ones once, oldest first', () => {
    const r = new StateReporter(new RecordingSink(), () => {});
    r.report('a', 'pending', 'waits', 'file-not-loaded');
    r.report('b', 'error', 'bad', 'invalid-action');
    r.report('a', 'active', 'hot-patched', 'installed');
    assert.deepEqual(brief(r.takeUnsent()), ['a active installed', 'b error invalid-action']);
    assert.deepEqual(r.takeUnsent(), []);
    r.resendAll();
    assert.deepEqual(brief(r.takeUnsent()), ['a active installed', 'b error invalid-action'], 'a reconnect sends everything again');
  });

  it('forgets removed actions, and those a new set leaves out', () => {
    const r = new StateReporter(new RecordingSink(), () => {});
    for (const id of ['a', 'b', 'c']) r.report(id, 'active', 'hot-patched', 'installed');
    r.forget('a');
    r.retain(new Set(['b']));
    assert.deepEqual(brief(r.takeUnsent()), ['b active installed']);
  });

  it('says a probe\'s repeated change once, and again on request or for a new probe', () => {
    const sink = new RecordingSink();
    const r = new StateReporter(sink, () => {});
    r.change('a', 'active', 'hot-patched x:1', 'installed');
    r.change('a', 'active', 'hot-patched x:1', 'installed');
    assert.equal(sink.states.length, 1);
    assert.equal(r.reemit('a'), true);
    r.begin('a');
    r.change('a', 'active', 'hot-patched x:1', 'installed');
    assert.deepEqual(sink.states.map((s) => s.code), ['installed', 'installed', 'installed']);
  });

  it('reports a failing sink in its log instead of throwing', () => {
    const logged: string[] = [];
    const r = new StateReporter({ event() {}, filesLoaded() {}, state() { throw new Error('sink down'); } }, (m) => logged.push(m));
    r.report('a', 'active', 'hot-patched', 'installed');
    assert.deepEqual(logged, ['the probe sink failed on a state of a: sink down']);
    assert.equal(r.takeUnsent().length, 1, 'the state is kept all the same');
  });
});
