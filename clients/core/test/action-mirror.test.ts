import assert from 'node:assert/strict';
import { sonde } from '@sonde/protocol';
import { ActionMirror, leadingState, summarise } from '../src/action-mirror.js';
import { Kind, hits, logInfo, state, stateEvent } from '../src/testing.js';

describe('action mirror', () => {
  it('finds actions by file and 1-based line', () => {
    const m = new ActionMirror();
    m.reset([logInfo('a', 'src/app.js', 3, 'x={x}'), logInfo('b', 'src/app.js', 7, 'y'), logInfo('c', './src\\other.js', 3, 'z')]);
    assert.deepEqual(m.atLine('src/app.js', 3).map((e) => e.id), ['a']);
    assert.deepEqual(m.inFile('src/app.js').map((e) => e.id), ['a', 'b']);
    // Paths are compared normalised: forward slashes, no leading ./
    assert.deepEqual(m.atLine('src/other.js', 3).map((e) => e.id), ['c']);
  });

  it('a reset reports what went away as removed', () => {
    const m = new ActionMirror();
    m.reset([logInfo('a', 'f.js', 1, 'x'), logInfo('b', 'g.js', 2, 'y')]);
    const changes = m.reset([logInfo('b', 'g.js', 2, 'y')]);
    assert.deepEqual(changes.find((c) => c.actionId === 'a'), { actionId: 'a', file: 'f.js', line: 1, removed: true });
    assert.equal(m.get('a'), undefined);
  });

  it('applies per-agent states and the gateway total, ignoring per-agent counts', () => {
    const m = new ActionMirror();
    m.upsert(logInfo('a', 'f.js', 1, 'x', { hits: 1 }));
    const changes = m.applyEvents([stateEvent('a', 'agent-1', Kind.ACTION_STATE_KIND_ACTIVE), hits('a', 5, 'agent-1'), hits('a', 3)]);
    assert.deepEqual(changes.map((c) => c.actionId), ['a']);
    const entry = m.get('a')!;
    assert.equal(entry.hits, 3);
    assert.equal(entry.states.get('agent-1')?.state, Kind.ACTION_STATE_KIND_ACTIVE);
  });

  it('skips events for actions it does not hold', () => {
    const m = new ActionMirror();
    assert.deepEqual(m.applyEvents([hits('ghost', 4), stateEvent('ghost', 'a1', Kind.ACTION_STATE_KIND_ERROR)]), []);
    assert.equal(m.all().length, 0);
  });

  it('an upsert that moves an action reports its old place too', () => {
    const m = new ActionMirror();
    m.upsert(logInfo('a', 'f.js', 1, 'x'));
    const changes = m.upsert(logInfo('a', 'f.js', 9, 'x'));
    assert.deepEqual(changes.map((c) => [c.line, c.removed]), [[9, false], [1, true]]);
  });

  it('summarises agents by the state that matters most', () => {
    const m = new ActionMirror();
    m.upsert(logInfo('a', 'f.js', 1, 'x', {
      states: [state('a', 'a1', Kind.ACTION_STATE_KIND_ACTIVE), state('a', 'a2', Kind.ACTION_STATE_KIND_ERROR, 'no such line'), state('a', 'a3', Kind.ACTION_STATE_KIND_REMOVED)],
    }));
    assert.deepEqual(summarise(m.get('a')!), { state: Kind.ACTION_STATE_KIND_ERROR, reason: 'no such line', agentsInState: 1, agentsReporting: 2 });
    m.upsert(logInfo('b', 'f.js', 2, 'y'));
    assert.equal(summarise(m.get('b')!).state, undefined);
  });

  it('an agent reporting REMOVED drops out of the states', () => {
    const m = new ActionMirror();
    m.upsert(logInfo('a', 'f.js', 1, 'x', { states: [state('a', 'a1', Kind.ACTION_STATE_KIND_ACTIVE)] }));
    m.applyEvents([stateEvent('a', 'a1', Kind.ACTION_STATE_KIND_REMOVED)]);
    assert.equal(m.get('a')!.states.size, 0);
  });

  it('keeps each agent\'s reason code, and the leading agent is the one the summary speaks for', () => {
    const Reason = sonde.v1.ReasonCode;
    const m = new ActionMirror();
    m.upsert(logInfo('a', 'f.js', 1, 'x', { states: [state('a', 'a1', Kind.ACTION_STATE_KIND_ACTIVE, 'installed', Reason.REASON_CODE_INSTALLED)] }));
    assert.equal(m.get('a')!.states.get('a1')?.reasonCode, Reason.REASON_CODE_INSTALLED);
    m.applyEvents([stateEvent('a', 'a2', Kind.ACTION_STATE_KIND_ERROR, 'src/f.js is not loaded', Reason.REASON_CODE_FILE_NOT_FOUND), stateEvent('a', 'a3', Kind.ACTION_STATE_KIND_PENDING)]);
    const entry = m.get('a')!;
    assert.equal(entry.states.get('a3')?.reasonCode, Reason.REASON_CODE_UNSPECIFIED, 'no code sent: unspecified');
    assert.deepEqual([leadingState(entry)?.agentId, leadingState(entry)?.reasonCode], ['a2', Reason.REASON_CODE_FILE_NOT_FOUND]);
    assert.equal(summarise(entry).reason, leadingState(entry)?.reason);
    m.upsert(logInfo('b', 'f.js', 2, 'y'));
    assert.equal(leadingState(m.get('b')!), undefined);
  });
});
