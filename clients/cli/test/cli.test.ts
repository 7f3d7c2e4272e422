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

  it('refuses to start the gateway with neither an identity provider nor --insecure-dev, saying what to configure', () => {
    const r = run('gateway', '--port', '0', '--data', join(dirname(sonde), '..', 'dist', 'test-data'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /needs an identity provider: give --oidc-issuer https:\/\/KEYCLOAK\/realms\/REALM .*--insecure-dev/);
  });

  it('refuses an issuer that is not a realm URL, and --oidc-issuer with --insecure-dev', () => {
    const data = join(dirname(sonde), '..', 'dist', 'test-data');
    const r = run('gateway', '--oidc-issuer', 'https://idp.example.com/oauth', '--port', '0', '--data', data);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /"https:\/\/idp\.example\.com\/oauth" is not a Keycloak realm URL; give one such as https:\/\/keycloak\.example\.com\/realms\/sonde/);
    const both = run('gateway', '--oidc-issuer', 'https://kc.example.com/realms/sonde', '--insecure-dev');
    assert.equal(both.status, 2);
    assert.match(both.stderr, /exclude each other/);
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
