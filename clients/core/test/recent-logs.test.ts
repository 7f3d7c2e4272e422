import assert from 'node:assert/strict';
import { LINES_PER_ACTION, RecentLogs } from '../src/recent-logs.js';

describe('recent logs', () => {
  it('keeps only the last lines of each action, and forgets a removed one', () => {
    const recent = new RecentLogs();
    for (let i = 0; i < LINES_PER_ACTION + 5; i++) recent.add('a', { timeMs: i, agentId: 'x', text: `n=${i}` });
    assert.equal(recent.of('a').length, LINES_PER_ACTION);
    assert.equal(recent.of('a')[0]!.text, 'n=5');
    recent.drop('a');
    assert.equal(recent.of('a').length, 0);
  });
});
