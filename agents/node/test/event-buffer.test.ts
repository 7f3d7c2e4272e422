import assert from 'node:assert/strict';
import { EventBuffer } from '../src/event-buffer.js';

describe('EventBuffer', () => {
  it('gives events back oldest first', () => {
    const b = new EventBuffer<number>(4);
    for (const n of [1, 2, 3]) b.push(n);
    assert.deepEqual(b.take(2), [1, 2]);
    b.push(4);
    assert.deepEqual(b.take(10), [3, 4]);
    assert.equal(b.size, 0);
  });

  it('keeps memory bounded: when full the oldest go, and are counted', () => {
    const b = new EventBuffer<number>(3);
    for (let n = 1; n <= 10; n++) b.push(n);
    assert.equal(b.size, 3);
    assert.equal(b.dropped, 7);
    assert.deepEqual(b.take(10), [8, 9, 10]);
  });

  it('hands each dropped event to its owner, to count where it belongs', () => {
    const lost: string[] = [];
    const b = new EventBuffer<string>(2, (e) => lost.push(e));
    for (const e of ['a1', 'b1', 'a2', 'b2']) b.push(e);
    assert.deepEqual(lost, ['a1', 'b1']);
    assert.deepEqual(b.take(10), ['a2', 'b2']);
  });
});
