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

describe('action mirror: losses, departures, the gateway\'s own word', () => {
  it('keeps the dropped and suppressed totals from action_info and from the gateway\'s summed hit counts', () => {
    const m = new ActionMirror();
    m.upsert(logInfo('a', 'f.js', 1, 'x', { hits: 10, dropped: 2, suppressed: 5 }));
    assert.deepEqual([m.get('a')!.dropped, m.get('a')!.suppressed], [2, 5]);
    // Only the loss changed: still a change, so lenses follow.
    assert.deepEqual(m.applyEvents([hits('a', 10, '', { dropped: 2, suppressed: 250 })]).map((c) => c.actionId), ['a']);
    assert.deepEqual([m.get('a')!.hits, m.get('a')!.dropped, m.get('a')!.suppressed], [10, 2, 250]);
    // Per-agent counts are not the total.
    m.applyEvents([hits('a', 99, 'agent-1', { dropped: 4100 })]);
    assert.equal(m.get('a')!.dropped, 2);
    assert.deepEqual(m.applyEvents([hits('a', 10, '', { dropped: 2, suppressed: 250 })]), [], 'nothing new');
  });

  it('does not let a report without the fields (a gateway that does not send them) wipe the totals', () => {
    const m = new ActionMirror();
    m.upsert(logInfo('a', 'f.js', 1, 'x', { hits: 1, dropped: 12, suppressed: 3 }));
    m.applyEvents([hits('a', 2)]);
    m.upsert(logInfo('a', 'f.js', 1, 'x', { hits: 2 }));
    assert.deepEqual([m.get('a')!.hits, m.get('a')!.dropped, m.get('a')!.suppressed], [2, 12, 3]);
    m.upsert(logInfo('b', 'f.js', 2, 'y'));
    assert.deepEqual([m.get('b')!.dropped, m.get('b')!.suppressed], [0, 0]);
  });

  it('names the agents whose states the gateway dropped (they disconnected) until they report again', () => {
    const m = new ActionMirror();
    m.upsert(logInfo('a', 'f.js', 1, 'x'));
    assert.deepEqual(m.get('a')!.disconnected, [], 'no agent reported yet: nobody left');
    m.applyEvents([stateEvent('a', 'agent-2', Kind.ACTION_STATE_KIND_ACTIVE), stateEvent('a', 'agent-1', Kind.ACTION_STATE_KIND_ACTIVE)]);
    // The gateway's action_info after agent-1 disconnected.
    m.upsert(logInfo('a', 'f.js', 1, 'x', { states: [state('a', 'agent-2', Kind.ACTION_STATE_KIND_ACTIVE)] }));
    assert.deepEqual(m.get('a')!.disconnected, ['agent-1']);
    m.upsert(logInfo('a', 'f.js', 1, 'x'));
    assert.deepEqual(m.get('a')!.disconnected, ['agent-1', 'agent-2']);
    m.applyEvents([stateEvent('a', 'agent-1', Kind.ACTION_STATE_KIND_PENDING)]);
    assert.deepEqual(m.get('a')!.disconnected, ['agent-2'], 'agent-1 is back');
    // A fresh list from the gateway (after a reconnection) is the truth.
    m.reset([logInfo('a', 'f.js', 1, 'x')]);
    assert.deepEqual(m.get('a')!.disconnected, []);
  });

  it('lets the gateway\'s own state (empty agent id: EXPIRED) stand for the whole action, and says so on removal', () => {
    const m = new ActionMirror();
    m.upsert(logInfo('a', 'f.js', 1, 'x', { states: [state('a', 'agent-1', Kind.ACTION_STATE_KIND_ERROR, 'bad'), state('a', 'agent-2', Kind.ACTION_STATE_KIND_ACTIVE)] }));
    m.applyEvents([stateEvent('a', '', Kind.ACTION_STATE_KIND_EXPIRED, 'expired')]);
    assert.deepEqual(summarise(m.get('a')!), { state: Kind.ACTION_STATE_KIND_EXPIRED, reason: 'expired', agentsInState: 1, agentsReporting: 1 });
    assert.equal(leadingState(m.get('a')!)?.agentId, '');
    assert.deepEqual(m.remove('a'), [{ actionId: 'a', file: 'f.js', line: 1, removed: true, expired: true }]);
    m.upsert(logInfo('b', 'f.js', 2, 'y'));
    assert.deepEqual(m.remove('b'), [{ actionId: 'b', file: 'f.js', line: 2, removed: true }], 'removed by someone: no expiry');
  });
});
