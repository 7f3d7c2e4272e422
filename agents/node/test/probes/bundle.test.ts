// A bundle built by esbuild (--bundle --sourcemap --platform=node) debugged
// at its TypeScript lines: a name the bundler renamed (this module's `rate`
// became `rate2`, since another module has a `rate` too) is read through the
// source map's `names`, never as the other module's variable.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { AGENT_ROOT, engineForEachTest, FIXTURES } from './helpers.js';

const require = createRequire(import.meta.url);
const BUNDLE = join(FIXTURES, 'bundle');

describe('probes/ProbeEngine in an esbuild bundle', function () {
  this.timeout(20_000);
  const t = engineForEachTest({ roots: [AGENT_ROOT] });
  let price: (count: number) => number;

  before(() => {
    const outfile = join(BUNDLE, 'dist', 'main.cjs');
    buildSync({ entryPoints: [join(BUNDLE, 'src', 'main.ts')], bundle: true, sourcemap: true, platform: 'node', format: 'cjs', outfile, logLevel: 'silent' });
    ({ price } = require(outfile) as { price: (count: number) => number });
  });

  for (const [line, format, expected] of [
    [7, 'count={count} rate={rate}', 'count=2 rate=3'],
    [5, 'amount={amount} rate={rate}', 'amount=6 rate=0.2'],
  ] as const) {
    it(`reads {rate} at src/${line === 7 ? 'main' : 'rates'}.ts:${line} as that module's own rate`, async () => {
      const file = `test/fixtures/bundle/src/${line === 7 ? 'main' : 'rates'}.ts`;
      t.engine.upsert({ id: 'b', kind: 'log', file, line, condition: 'rate > 0', format });
      await t.engine.whenIdle();
      assert.match(t.sink.lastState('b')?.reason ?? '', /by its source map/);
      assert.equal(price(2), 6 * 0.2 + 6);
      await t.sink.until(() => t.sink.textsOf('b').length === 1);
      assert.equal(t.sink.textsOf('b')[0], expected);
    });
  }
});
