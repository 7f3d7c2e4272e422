// Counters' and metrics' live figures: the mirror keeps each agent's latest
// interval from the pushed events, and the lens text reads them.
import assert from 'node:assert/strict';
import { sonde } from '@sonde/protocol';
import { ActionMirror } from '../src/action-mirror.js';
import { figuresText, hitsText } from '../src/action-text.js';

const K = sonde.v1.ActionKind;

function info(id: string, kind: sonde.v1.ActionKind, extra: sonde.v1.IAction = {}): sonde.v1.IActionInfo {
  return { action: { id, kind, location: { file: 'src/app.js', line: 3 }, ...extra }, states: [], totalHits: 0 };
}

function metric(actionId: string, agentId: string, m: Partial<sonde.v1.IMetricSample>): sonde.v1.IEvent {
  return { metric: { actionId, agentId, intervalStartMs: 10_000, intervalEndMs: 15_000, ...m } };
}

describe('counter and metric figures', () => {
  it('sums a counter\'s rate over agents from each one\'s latest interval', () => {
    const m = new ActionMirror();
    m.upsert(info('c', K.ACTION_KIND_COUNTER));
    assert.deepEqual(figuresText(m.get('c')!), [], 'nothing before an interval came');
    const changes = m.applyEvents([metric('c', 'a1', { count: 100 }), metric('c', 'a2', { count: 50 }), metric('c', 'a1', { count: 200 })]);
    assert.deepEqual(changes.map((c) => c.actionId), ['c']);
    assert.deepEqual(figuresText(m.get('c')!), ['50/s'], '200 and 50 over 5 s');
  });

  it('shows a metric\'s p50 and max from the latest interval, and says when several agents report', () => {
    const m = new ActionMirror();
    m.upsert(info('m', K.ACTION_KIND_METRIC, { expressions: ['cart.total'] }));
    m.applyEvents([metric('m', 'a1', { count: 3, p50: 42.123, max: 97, p99: 96 })]);
    assert.deepEqual(figuresText(m.get('m')!), ['p50 42.1', 'max 97']);
    m.applyEvents([metric('m', 'a2', { count: 0, intervalEndMs: 20_000 })]);
    assert.deepEqual(figuresText(m.get('m')!), ['no values in the last interval']);
  });

  it('keeps the figures when the gateway resends the action, and ignores them for other kinds', () => {
    const m = new ActionMirror();
    m.upsert(info('t', K.ACTION_KIND_TICTOC));
    m.applyEvents([metric('t', 'a1', { count: 2, p50: 3.14159, p99: 9.8 })]);
    m.upsert(info('t', K.ACTION_KIND_TICTOC));
    assert.deepEqual(figuresText(m.get('t')!), ['p50 3.14 ms', 'p99 9.8 ms']);
    m.upsert(info('l', K.ACTION_KIND_LOG, { format: 'x' }));
    m.applyEvents([metric('l', 'a1', { count: 2 })]);
    assert.deepEqual(figuresText(m.get('l')!), []);
  });

  it('groups the digits of large hit counts', () => {
    assert.equal(hitsText(1204), '1,204 hits');
    assert.equal(hitsText(1), '1 hit');
  });
});
