import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const sonde = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'sonde.js');
const run = (...args: string[]) => spawnSync(process.execPath, [sonde, ...args], { encoding: 'utf8', timeout: 20_000 });

describe('sonde command', () => {
  it('prints usage and exits 2 for an unknown command', () => {
    const r = run('frobnicate');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
    assert.match(r.stderr, /gateway/);
  });

  it('refuses to start the gateway without --insecure-dev, saying why', () => {
    const r = run('gateway', '--port', '0', '--data', join(dirname(sonde), '..', 'dist', 'test-data'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /start it with --insecure-dev/);
  });

  it('refuses --insecure-dev on a non-loopback address', () => {
    const r = run('gateway', '--insecure-dev', '--host', '0.0.0.0', '--port', '0', '--data', join(dirname(sonde), '..', 'dist', 'test-data'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /loopback only/);
  });

  it('names a bad option', () => {
    const r = run('gateway', '--insecure-dev', '--port', 'eighty');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--port eighty is not a port number/);
    const r2 = run('gateway', '--bogus');
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /bogus/);
  });
});
