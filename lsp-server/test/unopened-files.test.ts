// Files the editor has not opened: read within the workspace, and within a
// timeout, so a file system that stops answering never hangs the server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileReader } from '../src/file-reader.js';
import { UnopenedFiles } from '../src/unopened-files.js';

const HANGING = new URL('./support/hanging-read-worker.js', import.meta.url);

describe('unopened files', () => {
  let root: string;
  const readers: FileReader[] = [];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sonde-unopened-'));
    writeFileSync(join(root, 'a.js'), 'one\r\ntwo\nthree');
  });

  afterEach(() => {
    for (const r of readers.splice(0)) r.close();
    rmSync(root, { recursive: true, force: true });
  });

  function files(reader = new FileReader()): UnopenedFiles {
    readers.push(reader);
    return new UnopenedFiles(() => root, undefined, reader);
  }

  it('reads a file under the workspace, again after it changes, and nothing outside it', () => {
    const f = files();
    assert.deepEqual(f.read(join(root, 'a.js')), { lines: ['one', 'two', 'three'] });
    writeFileSync(join(root, 'a.js'), 'changed, and longer');
    assert.deepEqual(f.read(join(root, 'a.js')), { lines: ['changed, and longer'] });
    const outside = f.read('/etc/passwd');
    assert.ok('refused' in outside && /is not under the workspace root/.test(outside.refused), JSON.stringify(outside));
  });

  it('gives up on a file system that does not answer, says so, and reads again with a new worker', () => {
    const f = files(new FileReader(200, HANGING));
    for (let i = 0; i < 2; i++) {
      const hung = f.read(join(root, 'a.js'));
      assert.ok('refused' in hung, JSON.stringify(hung));
      assert.match(hung.refused, /a\.js did not answer within 200 ms \(a file system that hangs\?\); open it in the editor$/);
    }
    assert.deepEqual(files().read(join(root, 'a.js')), { lines: ['one', 'two', 'three'] });
  });
});
