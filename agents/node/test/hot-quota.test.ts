// A probe on a hot path, in a real program: a log at a line run 100,000
// times a second trips the log quota with the seed's message, goes on
// counting the hits it does not log, and the program keeps running its loop
// and answering requests (the figures are printed; timing is not asserted
// here, bench/node-agent measures it).
import assert from 'node:assert/strict';
import { sonde } from '@sonde/protocol';
import { gatewayForEachTest } from './gateway-harness.js';

const State = sonde.v1.ActionStateKind;
const TICK_LINE = 8;

describe('Node agent: a probe hit 100,000 times a second', function () {
  this.timeout(30_000);
  const h = gatewayForEachTest('sonde-hot-');

  it("pauses with the seed's message for its kind, counts what it held back, and the program runs on", async () => {
    const app = h.run(['--require', '@sonde/agent-node/register', 'hot-service.cjs']);
    const port = Number((await app.waitFor(/listening (\d+)/))[1]);
    await app.waitFor(/sonde agent: connected to/);
    const rate = async () => Number(await (await fetch(`http://127.0.0.1:${port}/`)).text());
    await new Promise((r) => setTimeout(r, 2100));
    const before = await rate();

    const reply = await h.client.request({ addAction: { action: { kind: sonde.v1.ActionKind.ACTION_KIND_LOG, location: { file: 'hot-service.cjs', line: TICK_LINE }, format: 'i={i}' } } });
    const id = reply.actionInfo?.action?.id ?? '';
    assert.ok(id, `add_action refused: ${reply.error?.message}`);
    const paused = (await h.events.waitFor((e) => e.state?.actionId === id && e.state.state === State.ACTION_STATE_KIND_PAUSED_QUOTA, 'the quota to pause the log')).state!;
    assert.equal(paused.reason, 'Logpoint is paused due to high call rate until log quota is restored');
    assert.equal(paused.reasonCode, sonde.v1.ReasonCode.REASON_CODE_QUOTA);

    // While paused, hits are counted and what was not logged is said.
    const held = await h.events.waitFor((e) => e.hits?.actionId === id && Number(e.hits.suppressed ?? 0) > 1000, 'hits held back by the quota');
    const lines = h.events.events.filter((e) => e.log?.actionId === id).length;
    assert.ok(lines > 0 && lines < Number(held.hits!.hits), `${lines} lines for ${String(held.hits!.hits)} hits`);

    await new Promise((r) => setTimeout(r, 2100));
    const during = await rate();
    const answers = await Promise.all(Array.from({ length: 20 }, () => rate()));
    assert.equal(answers.length, 20, 'every request answered');
    assert.ok(during > 0, 'the loop still runs');
    console.log(`      hot loop: ${before.toLocaleString('en')} calls/s before the log, ${during.toLocaleString('en')} calls/s with it paused by the quota`);
  });
});
