// The gateway asks whether the file a process runs is the editor's: the
// agent answers from V8's copy of a loaded script (without our probes), from
// a source map's sourcesContent for a TypeScript or bundled source, and from
// the disk for a file that has not loaded yet (what will run when it does).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { AGENT_ROOT, engineForEachTest, FIXTURES } from './helpers.js';

const require = createRequire(import.meta.url);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('probes/ProbeEngine.compareWithEditor', function () {
  this.timeout(20_000);
  const t = engineForEachTest({ roots: [AGENT_ROOT] });
  before(() => require(join(FIXTURES, 'greet.cjs')));

  it('says a loaded file is the editor\'s when the hashes agree, and finds the line where it is', async () => {
    const line = { line: 4, text: "  const message = 'hello ' + name;", before: [], after: [] };
    const c = await t.engine.compareWithEditor('test/fixtures/greet.cjs', sha256(fixture('greet.cjs')), line);
    assert.deepEqual(c, { sameContent: true, match: 'same', reason: '' });
  });

  it('still reads the file without our probes once one is installed in it', async () => {
    t.engine.upsert({ id: 'p', kind: 'log', file: 'test/fixtures/greet.cjs', line: 4, format: 'x', condition: '' });
    await t.engine.whenIdle();
    assert.equal(t.sink.lastState('p')?.state, 'active');
    const c = await t.engine.compareWithEditor('test/fixtures/greet.cjs', sha256(fixture('greet.cjs')), undefined);
    assert.equal(c.sameContent, true);
  });

  it('says another content differs, and where the editor\'s line runs when it moved', async () => {
    const line = { line: 2, text: "const message = 'hello ' + name;", before: ['function greet(name, cart) {'], after: [] };
    const c = await t.engine.compareWithEditor('test/fixtures/greet.cjs', sha256(`// one more line\n${fixture('greet.cjs')}`), line);
    assert.equal(c.sameContent, false);
    assert.equal(c.match, 'moved');
    assert.match(c.reason, /^placed at running line 4 \(your line 2\)/);
  });

  it('compares a file that has not loaded yet with what is on disk, which is what will run', async () => {
    const text = fixture('never-loaded.cjs');
    const c = await t.engine.compareWithEditor('test/fixtures/never-loaded.cjs', sha256(text), { line: 2, text: 'module.exports = 1;', before: [], after: [] });
    assert.deepEqual(c, { sameContent: true, match: 'same', reason: '' });
    assert.equal((await t.engine.compareWithEditor('test/fixtures/never-loaded.cjs', sha256(`${text} `), undefined)).sameContent, false);
  });

  it('compares a bundled TypeScript source with the text its source map carries', async () => {
    const outfile = join(FIXTURES, 'bundle', 'dist', 'main.cjs');
    buildSync({ entryPoints: [join(FIXTURES, 'bundle', 'src', 'main.ts')], bundle: true, sourcemap: true, platform: 'node', format: 'cjs', outfile, logLevel: 'silent' });
    require(outfile);
    const ts = fixture('bundle/src/rates.ts');
    const c = await t.engine.compareWithEditor('test/fixtures/bundle/src/rates.ts', sha256(ts), undefined);
    assert.equal(c.sameContent, true);
    assert.equal((await t.engine.compareWithEditor('test/fixtures/bundle/src/rates.ts', sha256('other'), undefined)).sameContent, false);
  });

  it('cannot say when the editor sent neither a hash nor a line', async () => {
    assert.deepEqual(await t.engine.compareWithEditor('test/fixtures/greet.cjs', '', undefined), { sameContent: false, match: 'unknown', reason: '' });
  });
});
