// The gateway's file queries can carry any path: whatever the trick, a file
// outside the app's roots gets exactly the answer a missing file gets, so
// the answers never tell which files exist elsewhere on the machine.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProbeEngine } from '../../src/probes/index.js';
import { RecordingSink } from './helpers.js';

describe('probes/file queries for paths outside the roots', () => {
  let dir: string;
  let engine: ProbeEngine;
  const up = (n: number, step: string) => step.repeat(n);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sonde-query-'));
    mkdirSync(join(dir, 'root', 'src'), { recursive: true });
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'root', 'src', 'app.js'), '');
    writeFileSync(join(dir, 'outside', 'secret.js'), '');
    symlinkSync(join(dir, 'outside', 'secret.js'), join(dir, 'root', 'src', 'link.js'));
    symlinkSync(join(dir, 'outside'), join(dir, 'root', 'linked-dir'));
    engine = new ProbeEngine(new RecordingSink(), { roots: [join(dir, 'root')] });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers a file under the roots (so the others are refused, not unseen)', () => {
    assert.deepEqual(engine.query('src/app.js'), { existingPath: join(dir, 'root', 'src', 'app.js') });
  });

  const tricks: [string, (d: string) => string][] = [
    ['%2e%2e segments', () => `${up(12, '%2e%2e/')}etc/passwd`],
    ['%2E%2E segments', () => `${up(12, '%2E%2E/')}etc/passwd`],
    ['..%2f', () => `${up(12, '..%2f')}etc%2fpasswd`],
    ['plain ..', () => `${up(12, '../')}etc/passwd`],
    ['.. between backslashes', () => `${up(12, '..\\')}etc\\passwd`],
    ['.. to a sibling of the root', () => '../outside/secret.js'],
    ['an absolute path', () => '/etc/passwd'],
    ['an absolute path to the file outside', (d) => join(d, 'outside', 'secret.js')],
    ['a file:// URI with %2e%2e', (d) => `${pathToFileURL(join(d, 'root')).href}/%2e%2e/outside/secret.js`],
    ['a symlink under the root to a file outside', () => 'src/link.js'],
    ['a symlinked folder under the root that leads outside', () => 'linked-dir/secret.js'],
  ];
  for (const [what, path] of tricks) {
    it(`answers ${what} exactly like a missing file`, () => {
      assert.deepEqual(engine.query(path(dir)), engine.query('src/no-such-file.js'), path(dir));
      assert.deepEqual(engine.query(path(dir)), {});
    });
  }
});
