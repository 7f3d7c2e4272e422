import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type WebSocket from 'ws';
import { Backoff, Reconnector, endpointUrl, type Outage } from '../src/index.js';
import { startServer, type TestServer } from './support.js';

const run = promisify(execFile);

describe('endpointUrl', () => {
  it('turns a base URL into the WebSocket URL of an endpoint', () => {
    assert.equal(endpointUrl('http://127.0.0.1:8790', '/v1/client'), 'ws://127.0.0.1:8790/v1/client');
    assert.equal(endpointUrl('https://sonde.example.com/base/', '/v1/agent'), 'wss://sonde.example.com/base/v1/agent');
    assert.equal(endpointUrl('wss://h:1', '/v1/agent'), 'wss://h:1/v1/agent');
  });
  it('says what is wrong with a URL it cannot use', () => {
    assert.throws(() => endpointUrl('ftp://h', '/v1/client'), /has scheme ftp:; use http, https, ws or wss/);
    assert.throws(() => endpointUrl('localhost:8790', '/v1/client'), /scheme localhost:/);
    assert.throws(() => endpointUrl('not a url', '/v1/client'), /is not a URL/);
  });
});

describe('Backoff', () => {
  it('doubles from the first delay up to the cap, within ±20 % jitter, and starts over after reset', () => {
    const b = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000 });
    const delays = Array.from({ length: 6 }, () => b.next());
    const bases = [100, 200, 400, 800, 1000, 1000];
    delays.forEach((d, i) => assert.ok(d >= bases[i]! * 0.8 && d <= bases[i]! * 1.2, `delay ${i} was ${d}, base ${bases[i]}`));
    assert.equal(b.attempt, 6);
    b.reset();
    assert.equal(b.attempt, 0);
    assert.ok(b.next() <= 120);
  });
});

describe('Reconnector (real WebSockets on loopback)', () => {
  let server: TestServer;
  let reconnector: Reconnector | undefined;

  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await reconnector?.stop();
    await server.close();
  });

  function connect(credential?: () => string): { opens: WebSocket[]; outages: Outage[] } {
    const seen = { opens: [] as WebSocket[], outages: [] as Outage[] };
    reconnector = new Reconnector(
      { url: endpointUrl(server.url, '/v1/agent'), credential, initialDelayMs: 10, maxDelayMs: 50 },
      { open: (s) => seen.opens.push(s), down: (o) => seen.outages.push(o) },
    );
    reconnector.start();
    return seen;
  }

  it('sends the credential in the Authorization header, asking for it again on every connection', async () => {
    let n = 0;
    const seen = connect(() => `token-${++n}`);
    const first = await server.nextSocket();
    assert.equal(first.request.headers.authorization, 'Bearer token-1');
    assert.equal(first.request.url, '/v1/agent');
    first.socket.close(1001, 'restarting');
    const second = await server.nextSocket();
    assert.equal(second.request.headers.authorization, 'Bearer token-2');
    await until(() => seen.opens.length === 2);
    assert.equal(seen.outages[0]!.wasOpen, true);
    assert.equal(seen.outages[0]!.reason, 'closed with 1001: restarting');
  });

  it('retries a refused upgrade with backoff, saying why, and stops when told', async () => {
    server.refuseWith = 401;
    const seen = connect();
    await until(() => seen.outages.length >= 3);
    assert.match(seen.outages[0]!.reason, /answered the upgrade with HTTP 401; check the credential/);
    assert.deepEqual(seen.outages.slice(0, 3).map((o) => [o.attempt, o.wasOpen]), [[1, false], [2, false], [3, false]]);
    await reconnector!.stop();
    const after = seen.outages.length;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(seen.outages.length, after, 'it dialed again after stop()');
    assert.equal(seen.opens.length, 0);
  });

  it('with unref, never keeps the process alive while it retries', async () => {
    // A child process that dials a port where nothing listens: it must exit by itself.
    const index = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'index.js');
    const script = `import { Reconnector } from ${JSON.stringify(index)};
      new Reconnector({ url: 'ws://127.0.0.1:9/v1/agent', unref: true, initialDelayMs: 20 }, { open() {}, down() {} }).start();`;
    const { stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 });
    assert.equal(stderr, '');
  });
});

async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((r) => setTimeout(r, 5));
}
