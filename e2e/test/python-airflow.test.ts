// The seed's second demo, end to end: a real Airflow 3 task as a short-lived
// process. From the editor (`sonde lsp`, target: agents tagged airflow), a log
// and a snapshot go into the task body of examples/airflow-task's DAG before
// any task runs; the gateway keeps them. Then `airflow tasks test` runs the
// task with the Python agent (python -m sonde_agent -m airflow ...): the
// agent connects, the probes wait for the DAG file, go in when Airflow loads
// it, the task decorated with @sonde_agent.task() runs once, and the line
// (the numpy scores) and the snapshot (the batch) reach the editor before
// the process exits.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { editorInitializeParams, LspClient } from '@sonde/lsp-server/testing';
import { repoRoot, sondeBin, start, startGateway, type Proc } from './support/processes.js';

const airflowPython = join(repoRoot, '.tools', 'airflow', 'bin', 'python');
const homeTemplate = join(repoRoot, '.tools', 'airflow-home');
const dagsDir = join(repoRoot, 'examples', 'airflow-task', 'dags');
const dagFile = join(dagsDir, 'classify.py');
const dagUri = pathToFileURL(dagFile).href;
const dagText = readFileSync(dagFile, 'utf8');
const lineOf = (text: string) => dagText.split('\n').findIndex((l) => l.includes(text));

describe('the seed\'s Airflow demo: a log and a snapshot in a task body, placed before the task runs as its own process', function () {
  this.timeout(180_000);
  let gateway: { proc: Proc; url: string };
  let lsp: LspClient;

  before(async function () {
    assert.ok(existsSync(airflowPython) && existsSync(join(homeTemplate, 'airflow.db')), `no Airflow environment in ${join(repoRoot, '.tools')}: npm test creates it (scripts/python.mjs, setupAirflow)`);
    gateway = await startGateway(0, mkdtempSync(join(tmpdir(), 'sonde-e2e-airflow-')));
    lsp = LspClient.start({ args: [sondeBin, 'lsp', '--stdio'], name: 'sonde lsp' });
    await lsp.initialize(editorInitializeParams(repoRoot, { gatewayUrl: gateway.url, target: { tags: ['airflow'] } }));
    await lsp.notify('textDocument/didOpen', { textDocument: { uri: dagUri, languageId: 'python', version: 1, text: dagText } });
  });

  after(async () => {
    await lsp?.stop();
    await gateway?.proc.stop();
  });

  it('logs the scores and snapshots the batch on the task\'s one run', async () => {
    const mark = lsp.notifications.length;
    const log = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: dagUri, line: lineOf('best = int(scores.argmax())'), format: 'scores={scores}' }] });
    const snap = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addSnapshot', arguments: [{ uri: dagUri, line: lineOf('return {"best": best') }] });

    const home = mkdtempSync(join(tmpdir(), 'sonde-airflow-home-'));
    cpSync(homeTemplate, home, { recursive: true });
    const task = start(airflowPython, ['-m', 'sonde_agent', '-m', 'airflow', 'tasks', 'test', 'classify_images', 'classify_image_batch'], {
      name: 'airflow task',
      cwd: join(repoRoot, 'examples', 'airflow-task'),
      env: { ...process.env, AIRFLOW_HOME: home, AIRFLOW__CORE__LOAD_EXAMPLES: 'False', AIRFLOW__CORE__DAGS_FOLDER: dagsDir, SONDE_GATEWAY_URL: gateway.url, SONDE_TAGS: 'airflow' },
    });
    try {
      const line = await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.actionId === log.actionId, 'the log line from the task', mark, 120_000);
      assert.match(String(line.params.text), /^scores=ndarray\(shape=\(3,\), dtype=float64\) \[ 0\.136\d*, 0\.5, 0\.863\d* \]$/);
      const shown = await lsp.request<{ snapshots: unknown[]; text: string }>('workspace/executeCommand', { command: 'sonde.showSnapshot', arguments: [{ actionId: snap.actionId }] });
      const deadline = Date.now() + 10_000;
      let text = shown.text;
      while (!/batch: ndarray = ndarray\(shape=\(3, 4\), dtype=float64\)/.test(text) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        text = (await lsp.request<{ text: string }>('workspace/executeCommand', { command: 'sonde.showSnapshot', arguments: [{ actionId: snap.actionId }] })).text;
      }
      assert.match(text, /batch: ndarray = ndarray\(shape=\(3, 4\), dtype=float64\) \[ 0\.0, 0\.0909\d*, /, text);
      assert.match(text, /best: int = 2/, text);
      const code = await new Promise<number | null>((resolve) => (task.child.exitCode !== null ? resolve(task.child.exitCode) : task.child.once('exit', resolve)));
      assert.equal(code, 0, `the task ran to its end: ${task.output().slice(-2000)}`);
    } finally {
      await task.stop();
    }
  });
});
