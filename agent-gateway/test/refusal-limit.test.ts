import assert from 'node:assert/strict';
import { RefusalLimit } from '../src/audit/refusal-limit.js';

describe('audit: refused connections per address', () => {
  it('writes the first 20 a minute, counts the rest, and writes the count with the next one after the minute', () => {
    let now = 0;
    const limit = new RefusalLimit(() => now);
    const first = Array.from({ length: 25 }, () => limit.admit('10.0.0.1'));
    assert.equal(first.filter((a) => a.write).length, 20);
    assert.ok(first.every((a) => a.held === 0));
    assert.deepEqual(limit.admit('10.0.0.2'), { write: true, held: 0 }, 'another address has its own budget');
    now = 60_000;
    assert.deepEqual(limit.admit('10.0.0.1'), { write: true, held: 5 }, 'the 5 held back are counted in the next entry');
    assert.deepEqual(limit.admit('10.0.0.1'), { write: true, held: 0 });
  });
});
