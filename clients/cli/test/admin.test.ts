// `sonde keys` and `sonde audit` against a running gateway, as an operator
// types them (an --insecure-dev gateway: its one principal is an admin; the
// role checks have their own tests against Keycloak).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '@sonde/agent-gateway/testing';

const sonde = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'sonde.js');

/** Runs the command to its end (asynchronously: the gateway runs in this process). */
function run(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [sonde, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SONDE_GATEWAY_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('sonde keys and sonde audit', function () {
  this.timeout(30_000);
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  it('creates a key (showing its secret once), lists it, revokes it, and prints every step from the audit log as JSON lines', async () => {
    const created = await run('keys', 'create', '--tag', 'staging', '--description', 'checkout', '--gateway', gw.url);
    assert.equal(created.status, 0, created.stderr);
    const id = /agent key ([0-9a-f]{12}) \(tags staging\)/.exec(created.stdout)?.[1] ?? assert.fail(created.stdout);
    assert.match(created.stdout, /SONDE_AGENT_KEY=sonde_ak_[0-9a-f]{12}_\S{43}\n/);
    const listed = await run('keys', 'list', '--gateway', gw.url);
    assert.match(listed.stdout, new RegExp(`^${id}  valid  tags staging  by dev  checkout$`, 'm'));
    assert.ok(!listed.stdout.includes('sonde_ak_'), 'the list never shows a secret');
    const revoked = await run('keys', 'revoke', id, '--gateway', gw.url);
    assert.match(revoked.stdout, new RegExp(`agent key ${id} revoked`));
    const audit = await run('audit', '--json', '--gateway', gw.url);
    assert.equal(audit.status, 0, audit.stderr);
    const entries = audit.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; what: string; who: string; outcome: string; detail: string });
    assert.deepEqual(entries.map((e) => [e.what, e.who, e.outcome]), [['create-key', 'dev', 'ok'], ['revoke-key', 'dev', 'ok']]);
    assert.match(entries[0]!.detail, new RegExp(`key ${id}, tags staging, "checkout"`));
    const after = await run('audit', '--json', '--after', String(entries[0]!.seq), '--gateway', gw.url);
    assert.equal(after.stdout.trim().split('\n').length, 1, 'only the entries after the one given');
  });

  it('says what is wrong with a missing gateway or a bad argument', async () => {
    const none = await run('keys', 'list');
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no gateway: give --gateway http:\/\/HOST:PORT or set SONDE_GATEWAY_URL/);
    const bad = await run('keys', 'create', '--colour', 'red', '--gateway', gw.url);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /unknown argument --colour/);
  });
});
