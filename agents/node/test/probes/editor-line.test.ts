// The editor's file and the running one differ: a probe carrying its line's
// text (and a little context) goes to the running line that reads the same,
// says where it went, or is refused with what the running line reads.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { LogProbeSpec } from '../../src/probes/index.js';
import { AGENT_ROOT, engineForEachTest, FIXTURES } from './helpers.js';

const require = createRequire(import.meta.url);
const { greet } = require(join(FIXTURES, 'greet.cjs')) as { greet(name: string): string };
const FILE = 'test/fixtures/greet.cjs';
const log = (id: string, line: number, text: string, before: string[] = [], after: string[] = []): LogProbeSpec => ({
  id, kind: 'log', file: FILE, line, format: 'name={name}', condition: '', editorLine: { text, before, after },
});

for (const hotPatch of ['at-once', 'never'] as const) {
  describe(`probes/ProbeEngine: the editor's line in a running file that differs (hot patch ${hotPatch})`, function () {
    this.timeout(20_000);
    const t = engineForEachTest({ roots: [AGENT_ROOT], hotPatch });

    it('runs at the same line when it reads the same, and says nothing of it', async () => {
      t.engine.upsert(log('same', 4, "  const message = 'hello ' + name;"));
      await t.engine.whenIdle();
      const s = t.sink.lastState('same')!;
      assert.equal(s.state, 'active', s.reason);
      assert.doesNotMatch(s.reason, /placed at/);
    });

    it('moves to the running line that reads as the editor\'s, logs there, and says so first', async () => {
      // The editor's copy has two lines fewer at the top: its line 2 is the running line 4.
      t.engine.upsert(log('moved', 2, "const message = 'hello ' + name;", ['function greet(name, cart) {'], ['  if (cart) return message']));
      await t.engine.whenIdle();
      const s = t.sink.lastState('moved')!;
      assert.equal(s.state, 'active', s.reason);
      assert.match(s.reason, /^placed at running line 4 \(your line 2\): the running code differs; (hot-patched|breakpoint at) .*greet\.cjs:4/);
      greet('ada');
      await t.sink.until(() => t.sink.textsOf('moved').length === 1);
      assert.deepEqual(t.sink.textsOf('moved'), ['name=ada']);
    });

    // Line 9 declares a function: a statement a hot patch can precede, where V8 sets no breakpoint.
    if (hotPatch === 'at-once') it('moves a blank line of the editor to the next line with code', async () => {
      t.engine.upsert(log('blank', 8, '', ['}'], ['function stackLine(tag) {']));
      await t.engine.whenIdle();
      assert.match(t.sink.lastState('blank')!.reason, /^placed at running line 9 \(your line 8\): the next line with code; /);
    });

    it('refuses a line no running line reads, saying what the running line reads', async () => {
      t.engine.upsert(log('gone', 4, '  const farewell = name;'));
      await t.engine.whenIdle();
      const s = t.sink.lastState('gone')!;
      assert.deepEqual([s.state, s.code], ['error', 'code-differs']);
      assert.equal(s.reason, 'the running code differs: no running line reads "const farewell = name;"; running line 4 reads "const message = \'hello \' + name;"');
    });
  });
}
