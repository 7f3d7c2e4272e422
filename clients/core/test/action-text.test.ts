// How actions read, kind by kind: the one table every client's text comes from.
import assert from 'node:assert/strict';
import { sonde } from '@sonde/protocol';
import { ActionMirror } from '../src/action-mirror.js';
import { describeAction, expiredText, kindLabel, kindWord, lossSentence, lossText, reasonCodeLabel, stateFormat, stateText, truncate } from '../src/action-text.js';
import { Kind, logInfo, state, stateEvent } from '../src/testing.js';

const { ActionKind } = sonde.v1;

describe('action text', () => {
  it('describes each kind with what identifies it, and its condition', () => {
    assert.equal(describeAction({ kind: ActionKind.ACTION_KIND_LOG, format: 'name={name}', condition: 'n > 3' }), 'log "name={name}" if n > 3');
    assert.equal(describeAction({ kind: ActionKind.ACTION_KIND_METRIC, expressions: ['cart.total'], metricName: 'cart' }), 'metric "cart.total"');
    assert.equal(describeAction({ kind: ActionKind.ACTION_KIND_COUNTER, metricName: 'hits.checkout' }), 'counter "hits.checkout"');
    assert.equal(describeAction({ kind: ActionKind.ACTION_KIND_TICTOC }), 'tictoc');
    assert.equal(describeAction({ kind: ActionKind.ACTION_KIND_SNAPSHOT, expressions: ['user'] }), 'snapshot');
    assert.equal(describeAction({ kind: ActionKind.ACTION_KIND_LOG, format: 'x'.repeat(80) }, 10), `log "${'x'.repeat(9)}…"`);
  });

  it('tells clients a log\'s own format, and the description for other kinds', () => {
    assert.equal(stateFormat({ kind: ActionKind.ACTION_KIND_LOG, format: 'n={n}', condition: 'n > 1' }), 'n={n}');
    assert.equal(stateFormat({ kind: ActionKind.ACTION_KIND_COUNTER, metricName: 'c', condition: 'ok' }), 'counter "c" if ok');
  });

  it('has a short word and a label for every kind, and for kinds it does not know', () => {
    assert.deepEqual(
      [ActionKind.ACTION_KIND_LOG, ActionKind.ACTION_KIND_SNAPSHOT, ActionKind.ACTION_KIND_COUNTER, ActionKind.ACTION_KIND_TICTOC, ActionKind.ACTION_KIND_METRIC].map((kind) => kindWord({ kind })),
      ['log', 'snapshot', 'counter', 'tictoc', 'metric'],
    );
    assert.equal(kindWord({ kind: 99 as sonde.v1.ActionKind }), kindLabel({ kind: 99 as sonde.v1.ActionKind }));
    assert.equal(describeAction({ kind: 99 as sonde.v1.ActionKind }), '99');
  });

  it('labels reason codes, unspecified when none was sent', () => {
    assert.equal(reasonCodeLabel(sonde.v1.ReasonCode.REASON_CODE_FILE_NOT_FOUND), 'file_not_found');
    assert.equal(reasonCodeLabel(undefined), 'unspecified');
    assert.equal(truncate('abc', 3), 'abc');
  });

  it('says what an action lost only when it lost something', () => {
    assert.deepEqual(lossText({ dropped: 0, suppressed: 0 }), []);
    assert.deepEqual(lossText({ dropped: 12, suppressed: 250 }), ['12 lost', '250 held back by the rate limit']);
    assert.equal(lossSentence({ dropped: 0, suppressed: 0 }), '');
    assert.equal(
      lossSentence({ dropped: 4100, suppressed: 1 }),
      "4100 events were lost before reaching the gateway (an agent's buffer was full while the gateway was away); 1 hit was not reported: an agent's rate limit held it back.",
    );
  });

  it('tells waiting for a first report from waiting for agents that left, and an expiry from a removal', () => {
    const m = new ActionMirror();
    m.upsert(logInfo('a', 'src/f.js', 4, 'x={x}', { hits: 3 }));
    assert.equal(stateText(m.get('a')!), 'waiting for agents');
    m.applyEvents([stateEvent('a', 'agent-1', Kind.ACTION_STATE_KIND_ACTIVE)]);
    assert.equal(stateText(m.get('a')!), '');
    m.upsert(logInfo('a', 'src/f.js', 4, 'x={x}', { hits: 3 }));
    assert.equal(stateText(m.get('a')!), 'waiting for agents: agent-1 disconnected');
    m.upsert(logInfo('b', 'src/f.js', 5, 'y', { states: [state('b', 'a1', Kind.ACTION_STATE_KIND_ACTIVE), state('b', 'a2', Kind.ACTION_STATE_KIND_ACTIVE)] }));
    m.upsert(logInfo('b', 'src/f.js', 5, 'y'));
    assert.equal(stateText(m.get('b')!), 'waiting for agents: 2 agents disconnected');
    m.applyEvents([stateEvent('b', 'a1', Kind.ACTION_STATE_KIND_ACTIVE), stateEvent('b', '', Kind.ACTION_STATE_KIND_EXPIRED, 'expired')]);
    assert.equal(stateText(m.get('b')!), 'expired', 'the gateway\'s expiry is not one agent among others');
    assert.equal(expiredText(m.get('a')!), 'log "x={x}" at src/f.js:4 expired after 3 hits and the gateway removed it; add it again to keep it');
  });
});
