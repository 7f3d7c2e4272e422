import assert from 'node:assert/strict';
import { encodeEnvelope, MAX_FRAME_BYTES, sonde } from '@sonde/protocol';
import { FrameBatch } from '../src/event-batch.js';

describe('FrameBatch', () => {
  it('sends 5,000 states with long reasons in frames that each fit the gateway limit, losing none', () => {
    const frames: sonde.v1.IEvent[][] = [];
    const batch = new FrameBatch<sonde.v1.IEvent>((events) => frames.push(events));
    // A reason of 400 characters, some of them three bytes in UTF-8: the worst a state's text gets near.
    const reason = `/srv/app/${'é€'.repeat(100)}/src/server.js is not loaded in this process and was not found under /srv/app; check the path`.padEnd(400, 'x');
    for (let i = 0; i < 5000; i++) batch.add({ state: { actionId: `action-${i}`, agentId: 'a1', reason, state: 1, reasonCode: 4 } }, reason.length + 10);
    batch.flush();
    assert.ok(frames.length > 1, 'one frame would have been over 1 MiB');
    for (const events of frames) assert.ok(encodeEnvelope({ events: { events } }).length < MAX_FRAME_BYTES);
    assert.deepEqual(frames.flat().map((e) => e.state?.actionId), Array.from({ length: 5000 }, (_, i) => `action-${i}`));
  });

  it('sends nothing when nothing was added, and what was added at flush', () => {
    const frames: number[][] = [];
    const batch = new FrameBatch<number>((items) => frames.push(items));
    batch.flush();
    batch.add(1, 10);
    batch.add(2, 10);
    batch.flush();
    assert.deepEqual(frames, [[1, 2]]);
  });
});
