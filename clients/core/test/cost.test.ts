// What a hit costs, in the lens: from the gateway's totals (the highest
// agent's sampled mean), shown once measured, with the breakpoint said.
import assert from 'node:assert/strict';
import { sonde } from '@sonde/protocol';
import { ActionMirror } from '../src/action-mirror.js';
import { costText } from '../src/action-text.js';

const hits = (actionId: string, n: number, costNsPerHit: number): sonde.v1.IEvent => ({ hits: { actionId, agentId: '', hits: n, costNsPerHit } });

describe('cost per hit', () => {
  it('shows nothing until measured, then ns, µs or ms a hit', () => {
    const m = new ActionMirror();
    m.upsert({ action: { id: 'a', kind: sonde.v1.ActionKind.ACTION_KIND_LOG, location: { file: 'app.js', line: 3 } }, states: [], totalHits: 0 });
    m.applyEvents([hits('a', 3, 0)]);
    assert.deepEqual(costText(m.get('a')!), []);
    m.applyEvents([hits('a', 64, 91.37)]);
    assert.deepEqual(costText(m.get('a')!), ['91.4 ns/hit']);
    m.applyEvents([hits('a', 65, 0)]);
    assert.deepEqual(costText(m.get('a')!), ['91.4 ns/hit'], 'a report without a figure keeps the last one');
    m.applyEvents([hits('a', 128, 22_140)]);
    assert.deepEqual(costText(m.get('a')!), ['22.1 µs/hit']);
    m.applyEvents([hits('a', 192, 1_500_000)]);
    assert.deepEqual(costText(m.get('a')!), ['1.5 ms/hit']);
  });

  it('says + breakpoint when an agent serves the probe with one', () => {
    const m = new ActionMirror();
    const states = [{ actionId: 'b', agentId: 'x', state: sonde.v1.ActionStateKind.ACTION_STATE_KIND_ACTIVE, reasonCode: sonde.v1.ReasonCode.REASON_CODE_INSTALLED_FALLBACK }];
    m.upsert({ action: { id: 'b', kind: sonde.v1.ActionKind.ACTION_KIND_LOG, location: { file: 'app.js', line: 3 } }, states, totalHits: 0 });
    m.applyEvents([hits('b', 64, 120)]);
    assert.deepEqual(costText(m.get('b')!), ['120 ns/hit + breakpoint']);
  });
});
