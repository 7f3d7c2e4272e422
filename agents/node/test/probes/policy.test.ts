// The operator's policy applied live on a running engine: redaction reaches
// probes already installed at their next hit, a blocklisted file refuses new
// probes and takes out the ones in it, each kind pauses with its own message.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type LogProbeSpec } from '../../src/probes/index.js';
import { DEFAULT_BUDGETS, pausedReason, Quotas } from '../../src/probes/quota.js';
import { AgentPolicy } from '../../src/probes/policy.js';
import { AGENT_ROOT, engineForEachTest, FIXTURES } from './helpers.js';

const require = createRequire(import.meta.url);
const { greet } = require(join(FIXTURES, 'greet.cjs')) as { greet(name: unknown, cart?: unknown): string };

function log(id: string, format: string): LogProbeSpec {
  return { id, kind: 'log', file: 'test/fixtures/greet.cjs', line: 4, format, condition: '' };
}

describe('probes/policy', function () {
  this.timeout(20_000);
  const t = engineForEachTest({ roots: [AGENT_ROOT] });

  it('redacts a placeholder by name, an object rendering by key, and values by content', async () => {
    t.engine.upsert(log('r', 'user {name.password} as {name} from {cart.note}'));
    await t.sink.untilState('r', 'active');
    greet({ password: 'hunter2', apiKey: 'k1', who: 'ada' }, { items: [], note: 'mail ada@example.com' });
    await t.sink.until(() => t.sink.textsOf('r').length === 1);
    assert.equal(t.sink.textsOf('r')[0], "user [redacted] as { password: [redacted], apiKey: [redacted], who: 'ada' } from mail [redacted]");
  });

  it('a policy change reaches an installed probe at its next line, with no reinstall', async () => {
    t.engine.upsert(log('live', 'name={name}'));
    await t.sink.untilState('live', 'active');
    greet('s3cret-value');
    t.engine.setPolicy({ redactNames: ['name'] });
    greet('s3cret-value');
    t.engine.setPolicy({ redactPatterns: ['s3cret-[a-z]{1,20}'] });
    greet('s3cret-value');
    await t.sink.until(() => t.sink.textsOf('live').length === 3);
    assert.deepEqual(t.sink.textsOf('live'), ['name=s3cret-value', 'name=[redacted]', 'name=[redacted]']);
  });

  it('refuses a pattern that could backtrack without bound, and says why', () => {
    const refused = t.engine.setPolicy({ redactPatterns: ['(a+)+$', 'ok-[0-9]{3}'] });
    assert.equal(refused.length, 1);
    assert.match(refused[0]!, /^\(a\+\)\+\$: a repeated group/);
  });

  it('a blocklisted file refuses a new probe, and takes out an installed one, saying why', async () => {
    t.engine.upsert(log('before', 'x'));
    await t.sink.untilState('before', 'active');
    t.engine.setPolicy({ blockedFiles: ['test/fixtures/**'] });
    const out = await t.sink.untilState('before', 'error');
    assert.equal(out.code, 'blocked');
    assert.equal(out.reason, 'test/fixtures/greet.cjs is blocklisted by the policy (test/fixtures/**); no probe goes in it');
    greet('after');
    t.engine.upsert(log('new', 'x'));
    const refused = await t.sink.untilState('new', 'error');
    assert.equal(refused.code, 'blocked');
    assert.deepEqual(t.sink.textsOf('before'), []);
  });

  it('a blocklisted function refuses a probe inside it, and takes out an installed one, saying why', async () => {
    t.engine.upsert(log('in-greet', 'x'));
    await t.sink.untilState('in-greet', 'active');
    t.engine.upsert({ id: 'in-classify', kind: 'log', file: 'test/fixtures/greet.cjs', line: 17, format: 'n={n}', condition: '' });
    await t.sink.untilState('in-classify', 'active');
    t.engine.setPolicy({ blockedFunctions: ['greet'] });
    const out = await t.sink.untilState('in-greet', 'error');
    assert.deepEqual([out.code, out.reason], ['blocked', 'function greet is blocklisted by the policy; no probe goes in it']);
    assert.equal(t.sink.lastState('in-classify')?.state, 'active', 'a probe in another function stays');
    t.engine.upsert({ ...log('again', 'y'), line: 5 });
    const refused = await t.sink.untilState('again', 'error');
    assert.deepEqual([refused.code, refused.reason], ['blocked', 'function greet is blocklisted by the policy; no probe goes in it']);
    greet('after');
    assert.deepEqual(t.sink.textsOf('in-greet'), []);
  });

  it('every kind has a budget, and pauses with its own title in the one template', () => {
    const q = new Quotas();
    for (const [kind, b] of Object.entries(DEFAULT_BUDGETS)) assert.equal(q.forProbe(kind).reason, pausedReason(b.title, kind));
    assert.equal(q.forProbe('snapshot').reason, 'Snapshot is paused due to high call rate until snapshot quota is restored');
  });

  it('a quota set by the policy reaches probes already made', () => {
    const q = new Quotas();
    const p = q.forProbe('log');
    q.set({ log: { perProbeBurst: 2 } });
    assert.deepEqual([p.admit(0), p.admit(0), p.admit(0)], [true, true, false]);
    assert.equal(p.paused, true);
  });

  it('a policy is the whole of the quotas: a kind it no longer names has the agent\'s own budget again', () => {
    const policy = new AgentPolicy({ perProbeBurst: 3 });
    policy.set({ quotas: { log: { perProbeBurst: 1 } } });
    const tight = policy.quotas.forProbe('log');
    assert.deepEqual([tight.admit(0), tight.admit(0)], [true, false]);
    policy.set({});
    const own = policy.quotas.forProbe('log');
    assert.deepEqual([own.admit(0), own.admit(0), own.admit(0), own.admit(0)], [true, true, true, false], 'the agent\'s own burst of 3, not the old policy\'s 1');
  });
});
