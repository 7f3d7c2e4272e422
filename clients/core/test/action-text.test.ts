// How actions read, kind by kind: the one table every client's text comes from.
import assert from 'node:assert/strict';
import { sonde } from '@sonde/protocol';
import { describeAction, kindLabel, kindWord, reasonCodeLabel, stateFormat, truncate } from '../src/action-text.js';

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
});
