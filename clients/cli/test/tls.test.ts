// The gateway over TLS: https and wss with a certificate a private CA signed.
// The CLI and an agent in a real service verify it, and trust that CA through
// Node's own NODE_EXTRA_CA_CERTS; without it they refuse, saying why.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway, type RunningGateway } from '@sonde/agent-gateway';

const here = dirname(fileURLToPath(import.meta.url));
const sonde = join(here, '..', '..', 'bin', 'sonde.js');
const serviceDir = join(here, '..', '..', '..', '..', 'examples', 'node-service');

function run(env: Record<string, string>, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [sonde, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_EXTRA_CA_CERTS: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A CA, and a certificate for 127.0.0.1 it signed. */
function makeCerts(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  };
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Sonde test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'gw.key', '-out', 'gw.csr', '-subj', '/CN=127.0.0.1');
  spawnSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\n" > ext.cnf'], { cwd: dir });
  ssl('x509', '-req', '-in', 'gw.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'gw.pem', '-days', '2', '-extfile', 'ext.cnf');
  return { ca: f('ca.pem'), cert: f('gw.pem'), key: f('gw.key') };
}

describe('the gateway over TLS', function () {
  this.timeout(60_000);
  let dir: string;
  let certs: ReturnType<typeof makeCerts>;
  let gw: RunningGateway;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sonde-tls-'));
    certs = makeCerts(dir);
    gw = await startGateway({ dataDir: join(dir, 'data'), insecureDev: true, tls: { certFile: certs.cert, keyFile: certs.key }, port: 0, log: () => {} });
  });
  after(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves https and wss; the CLI trusts the private CA it is given, and refuses without it', async () => {
    assert.match(gw.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const trusted = await run({ NODE_EXTRA_CA_CERTS: certs.ca }, 'keys', 'list', '--gateway', gw.url);
    assert.equal(trusted.status, 0, trusted.stderr);
    const untrusted = await run({}, 'keys', 'list', '--gateway', gw.url);
    assert.equal(untrusted.status, 1);
    assert.match(untrusted.stderr, /cannot reach the gateway at https:.*(self.signed|certificate).*NODE_EXTRA_CA_CERTS/i);
  });

  it('lets an agent in a real service connect over wss with the CA', async () => {
    const child = spawn(process.execPath, ['--import', '@sonde/agent-node/register', 'server.js'], {
      cwd: serviceDir,
      env: { ...process.env, PORT: '0', SONDE_GATEWAY_URL: gw.url, NODE_EXTRA_CA_CERTS: certs.ca },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let all = '';
        const timer = setTimeout(() => reject(new Error(`no connection in 20 s: ${all}`)), 20_000);
        const on = (d: Buffer) => {
          all += d.toString();
          if (/sonde agent: connected to https:/.test(all)) {
            clearTimeout(timer);
            resolve(all);
          }
        };
        child.stdout.on('data', on);
        child.stderr.on('data', on);
      });
      assert.match(out, /connected to https:\/\/127\.0\.0\.1/, "the agent verified the certificate (NODE_EXTRA_CA_CERTS) and its WebSocket is wss");
    } finally {
      child.kill();
    }
  });
});
