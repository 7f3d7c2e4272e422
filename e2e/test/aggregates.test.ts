// Counters, metrics and tic-tocs, end to end: `sonde lsp` over stdio adds a
// counter (from its code action), a metric (the command an editor runs after
// asking for the expression) and tic-tocs (of a function, from the code
// action on its first line; of a selection of lines) in the example service;
// the agent aggregates the hits, values and spans in the running service,
// and the lens shows the figures that come back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LspClient } from '@sonde/lsp-server/testing';
import { startEditorStack, stopEditorStack, type EditorStack } from './support/editor-stack.js';
import { lensMatching, runCodeAction } from './support/editor-actions.js';
import { serviceDir } from './support/processes.js';

const file = join(serviceDir, 'server.js');
const uri = pathToFileURL(file).href;
const text = readFileSync(file, 'utf8');
const lineOf = (part: string) => text.split('\n').findIndex((l) => l.includes(part));
const HELLO_LINE = lineOf("return 'Hello: ' + name");
const FUNCTION_LINE = lineOf('export function hello(name)');
const [SPAN_START, SPAN_END] = [lineOf("res.writeHead(200"), lineOf('res.end(hello(name))')];

describe('counters, metrics and tic-tocs: editor → agent → lens', function () {
  let stack: EditorStack;
  let service: EditorStack['service'];
  let lsp: LspClient;

  before(async () => {
    stack = await startEditorStack(uri, text, { SONDE_METRIC_INTERVAL_MS: '200' });
    ({ service, lsp } = stack);
  });

  after(() => stopEditorStack(stack ?? {}));

  const get = async (name: string) => assert.equal(await (await fetch(`${service.url}/${name}`)).text(), `Hello: ${name}`);
  const lensAt = (pattern: RegExp, what: string, line = HELLO_LINE) => lensMatching(lsp, uri, line, pattern, what);
  const action = (title: string, start: number, end?: number, endCharacter?: number) => runCodeAction(lsp, uri, title, start, end, endCharacter);

  it('adds a counter from its code action and shows its hits and rate in the lens', async () => {
    const actionId = await action('Sonde: add counter here', HELLO_LINE);
    for (const name of ['a', 'b', 'c', 'd', 'e']) await get(name);
    const title = await lensAt(/^counter · 5 hits · [\d.]+\/s$/, 'the counter with 5 hits and a rate');
    assert.ok(Number(title.match(/· ([\d.]+)\/s$/)![1]) > 0, title);
    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });
  });

  it('shows what a hit costs the service once the agent has timed warm hits (one in 64)', async () => {
    const actionId = await action('Sonde: add counter here', HELLO_LINE);
    for (let i = 0; i < 70; i++) await get(`c${i}`);
    const title = await lensAt(/^counter · 70 hits · .*· [\d.]+ (ns|µs)\/hit( \+ breakpoint)?$/, 'the counter with its cost per hit');
    const [, amount, unit] = title.match(/· ([\d.]+) (ns|µs)\/hit/)!;
    assert.ok(Number(amount) > 0, title);
    assert.ok(unit === 'ns' || Number(amount) < 1000, `a counter's hit costs well under a millisecond: ${title}`);
    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });
  });

  it('adds a metric of an expression and shows its quantiles in the lens', async () => {
    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', {
      command: 'sonde.addMetric',
      arguments: [{ uri, line: HELLO_LINE, expression: 'name.length' }],
    });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.state === 'active', 'the metric to become active', mark);
    // At once: the lens shows each agent's latest interval, and three requests one after another on a loaded machine can straddle the agent's interval boundary.
    await Promise.all(['bb', 'dddd', 'ffffff'].map((name) => get(name)));
    const title = await lensAt(/^metric "name\.length" · 3 hits · p50 [\d.]+ · max 6$/, 'the metric with its p50 and max');
    const p50 = Number(title.match(/p50 ([\d.]+)/)![1]);
    assert.ok(Math.abs(p50 - 4) <= 0.05, `p50 of 2, 4 and 6 within 1 %: ${title}`);
  });

  it('times each call of a function from the code action on its first line, and shows p50 and p99 in ms', async () => {
    const actionId = await action('Sonde: time each call of hello (tic-toc)', FUNCTION_LINE);
    for (const name of ['t1', 't2', 't3']) await get(name);
    const title = await lensAt(/^tictoc · 3 hits · p50 [\d.]+ ms · p99 [\d.]+ ms$/, 'the tic-toc with 3 hits and its quantiles', FUNCTION_LINE);
    const [p50, p99] = [...title.matchAll(/p\d\d ([\d.]+) ms/g)].map((m) => Number(m[1]));
    // hello() only concatenates two strings: well under a millisecond, and never negative.
    assert.ok(p50! >= 0 && p99! >= p50! && p99! < 50, title);
    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });
  });

  it('times the lines of a selection, named for them', async () => {
    const actionId = await action(`Sonde: time lines ${SPAN_START + 1}–${SPAN_END + 1} (tic-toc)`, SPAN_START, SPAN_END, 5);
    for (const name of ['s1', 's2']) await get(name);
    await lensAt(/^tictoc · 2 hits · p50 [\d.]+ ms · p99 [\d.]+ ms$/, 'the span with 2 hits', SPAN_START);
    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });
  });

  it('refuses a metric command without an expression, saying how to call it', async () => {
    const err = await lsp.request('workspace/executeCommand', { command: 'sonde.addMetric', arguments: [{ uri, line: HELLO_LINE }] }).then(
      () => assert.fail('a metric without an expression was accepted'),
      (e: Error) => e,
    );
    assert.match(err.message, /^sonde\.addMetric takes one object \{uri, line, expression, condition\?, name\?\} where line is 0-based; expression is missing$/);
  });

  it('refuses a tic-toc whose end line is not after its start, or not a line, saying how to call it', async () => {
    const refusal = (args: object) =>
      lsp.request('workspace/executeCommand', { command: 'sonde.addTicToc', arguments: [args] }).then(
        () => assert.fail(`accepted ${JSON.stringify(args)}`),
        (e: Error) => e.message,
      );
    const usage = 'sonde.addTicToc takes one object {uri, line, endLine?, condition?, name?} where line and endLine are 0-based';
    assert.equal(await refusal({ uri, line: SPAN_END, endLine: SPAN_START }), `${usage}; endLine (${SPAN_START}) must come after line (${SPAN_END}); leave it out to time the function that starts at line`);
    assert.equal(await refusal({ uri, line: SPAN_START, endLine: 'next' }), `${usage}; endLine must be a non-negative integer, got "next"`);
  });
});
