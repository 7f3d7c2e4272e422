// The Flask app under gunicorn with two workers, started with
// `sonde-agent run -- gunicorn …` (no change to the app or the command's
// options): the master and each forked worker connect as agents of their
// own, and a log added from the editor at the route's line comes back from
// the workers that served the requests, each under its own id.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LspClient } from '@sonde/lsp-server/testing';
import { openEditor } from './support/editor-stack.js';
import { repoRoot, start, startGateway, type Proc } from './support/processes.js';

const bin = join(repoRoot, '.tools', 'python', 'bin');
const appDir = join(repoRoot, 'examples', 'flask-hello');
const appFile = join(appDir, 'app.py');
const appUri = pathToFileURL(appFile).href;

describe('gunicorn with two workers under sonde-agent run: each forked worker is an agent of its own', function () {
  this.timeout(120_000);
  let gateway: { proc: Proc; url: string };
  let server: Proc;
  let lsp: LspClient;

  before(async function () {
    assert.ok(existsSync(join(bin, 'gunicorn')), `no gunicorn in ${bin}: npm test installs it with the Python agent's test extras (scripts/python.mjs)`);
    gateway = await startGateway(0, mkdtempSync(join(tmpdir(), 'sonde-e2e-gunicorn-')));
    server = start(join(bin, 'sonde-agent'), ['run', '--', join(bin, 'gunicorn'), '-w', '2', '-b', '127.0.0.1:0', 'app:app'], {
      name: 'gunicorn',
      cwd: appDir,
      env: { ...process.env, SONDE_GATEWAY_URL: gateway.url, SONDE_TAGS: 'e2e', SONDE_AGENT_ID: 'gunicorn-e2e' },
    });
    await server.waitFor(/Listening at: http:\/\/127\.0\.0\.1:\d+/);
    lsp = await openEditor(gateway.url, appUri, readFileSync(appFile, 'utf8'), 'python');
  });

  after(async () => {
    await lsp?.stop();
    await server?.stop();
    await gateway?.proc.stop();
  });

  it('connects the master and both workers under their own ids, and the workers\' lines come back', async () => {
    const url = (await server.waitFor(/Listening at: (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const workers = [...(await server.waitFor(/Booting worker with pid: (\d+)[\s\S]*Booting worker with pid: (\d+)/)).slice(1)];
    const deadline = Date.now() + 20_000;
    while ((server.output().match(/sonde agent: connected to \S+ as \S+/g) ?? []).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const ids = new Set([...server.output().matchAll(/sonde agent: connected to \S+ as (\S+)/g)].map((m) => m[1]!));
    assert.deepEqual([...ids].sort(), ['gunicorn-e2e', ...workers.map((pid) => `gunicorn-e2e-fork${pid}`)].sort(), server.output());

    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: appUri, line: 21, format: 'Hello {name}' }] });
    // The workers import the app after the fork (no --preload): the probe goes in there; the master never loads app.py.
    const forks = workers.map((pid) => `gunicorn-e2e-fork${pid}`);
    await lsp.waitFor((m) => m.method === 'sonde/actionState' && m.params.actionId === actionId && forks.every((id) => (m.params.agents as { agentId: string; state: string }[]).some((a) => a.agentId === id && a.state === 'active')), 'the log active in both workers', mark);
    for (let i = 0; i < 8; i++) assert.equal(await (await fetch(`${url}/w${i}`)).text(), `Hello: w${i}`);
    const lines: string[] = [];
    for (let i = 0; i < 8; i++) {
      const line = await lsp.waitFor((m) => m.method === 'sonde/log' && m.params.actionId === actionId && m.params.text === `Hello w${i}`, `the line Hello w${i}`, mark);
      lines.push(String(line.params.agentId));
    }
    assert.ok(lines.every((id) => forks.includes(id)), `every line from a worker, under its own id: ${lines.join(', ')}`);
  });
});
