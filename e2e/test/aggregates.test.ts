// Counters and metrics, end to end: `sonde lsp` over stdio adds a counter
// (from its code action) and a metric (the command an editor runs after
// asking for the expression) at the example service's line; the agent
// aggregates the hits and values in the running service, and the lens shows
// the figures that come back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LspClient } from '@sonde/lsp-server/testing';
import { startEditorStack, stopEditorStack, type EditorStack } from './support/editor-stack.js';
import { serviceDir } from './support/processes.js';

interface Command { title: string; command: string; arguments?: unknown[] }
interface CodeLens { range: { start: { line: number } }; command?: Command }

const file = join(serviceDir, 'server.js');
const uri = pathToFileURL(file).href;
const text = readFileSync(file, 'utf8');
const HELLO_LINE = text.split('\n').findIndex((l) => l.includes("return 'Hello: ' + name"));

describe('counters and metrics: editor → agent → lens', function () {
  let stack: EditorStack;
  let service: EditorStack['service'];
  let lsp: LspClient;

  before(async () => {
    stack = await startEditorStack(uri, text, { SONDE_METRIC_INTERVAL_MS: '200' });
    ({ service, lsp } = stack);
  });

  after(() => stopEditorStack(stack ?? {}));

  const get = async (name: string) => assert.equal(await (await fetch(`${service.url}/${name}`)).text(), `Hello: ${name}`);
  /** Polls the lenses until one at the line has a title matching `pattern`. */
  async function lensMatching(pattern: RegExp, what: string): Promise<string> {
    const deadline = Date.now() + 15_000;
    let titles: string[] = [];
    while (Date.now() < deadline) {
      const lenses = await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      titles = lenses.filter((l) => l.range.start.line === HELLO_LINE).map((l) => l.command?.title ?? '');
      const found = titles.find((t) => pattern.test(t));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`no lens at line ${HELLO_LINE + 1} shows ${what}; lenses there: ${JSON.stringify(titles)}`);
  }

  it('adds a counter from its code action and shows its hits and rate in the lens', async () => {
    const actions = await lsp.request<{ title: string; command?: Command }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: HELLO_LINE, character: 0 }, end: { line: HELLO_LINE, character: 0 } },
      context: { diagnostics: [] },
    });
    const add = actions.find((a) => a.title === 'Sonde: add counter here');
    assert.ok(add?.command, JSON.stringify(actions));
    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: add.command.command, arguments: add.command.arguments });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.state === 'active', 'the counter to become active', mark);
    for (const name of ['a', 'b', 'c', 'd', 'e']) await get(name);
    const title = await lensMatching(/^counter · 5 hits · [\d.]+\/s$/, 'the counter with 5 hits and a rate');
    assert.ok(Number(title.match(/· ([\d.]+)\/s$/)![1]) > 0, title);
    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });
  });

  it('adds a metric of an expression and shows its quantiles in the lens', async () => {
    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', {
      command: 'sonde.addMetric',
      arguments: [{ uri, line: HELLO_LINE, expression: 'name.length' }],
    });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.state === 'active', 'the metric to become active', mark);
    for (const name of ['bb', 'dddd', 'ffffff']) await get(name);
    const title = await lensMatching(/^metric "name\.length" · 3 hits · p50 [\d.]+ · max 6$/, 'the metric with its p50 and max');
    const p50 = Number(title.match(/p50 ([\d.]+)/)![1]);
    assert.ok(Math.abs(p50 - 4) <= 0.05, `p50 of 2, 4 and 6 within 1 %: ${title}`);
  });

  it('refuses a metric command without an expression, saying how to call it', async () => {
    const err = await lsp.request('workspace/executeCommand', { command: 'sonde.addMetric', arguments: [{ uri, line: HELLO_LINE }] }).then(
      () => assert.fail('a metric without an expression was accepted'),
      (e: Error) => e,
    );
    assert.match(err.message, /^sonde\.addMetric takes one object \{uri, line, expression, condition\?, name\?\} where line is 0-based; expression is missing$/);
  });
});
