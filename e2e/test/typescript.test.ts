// The five kinds at the .ts lines of a TypeScript service, end to end: the
// editor has src/server.ts open, what runs is tsc's dist/server.js (whose
// lines differ: the types are gone), and the agent places each action through
// the source map. A log, a counter, a metric, a tic-toc of the function and a
// snapshot, each from `sonde lsp` over stdio, each shown back at its .ts line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LspClient } from '@sonde/lsp-server/testing';
import { hoverAt, lensMatching, runCodeAction, runCommand } from './support/editor-actions.js';
import { startEditorStack, stopEditorStack, type EditorStack } from './support/editor-stack.js';
import { TS_SERVICE, tsServiceDir } from './support/processes.js';

interface InlayHint { position: { line: number }; label: string }

const file = join(tsServiceDir, 'src', 'server.ts');
const uri = pathToFileURL(file).href;
const text = readFileSync(file, 'utf8');
const lineOf = (part: string) => {
  const i = text.split('\n').findIndex((l) => l.includes(part));
  assert.ok(i >= 0, `server.ts has no line with ${part}`);
  return i;
};
const RETURN_LINE = lineOf('return { id: name, items, total };');
const FUNCTION_LINE = lineOf('export function priceOf(');
const ran = readFileSync(join(tsServiceDir, 'dist', 'server.js'), 'utf8').split('\n').findIndex((l) => l.includes('return { id: name, items, total };'));

describe('TypeScript: the five kinds at .ts lines, through the source map', function () {
  let stack: EditorStack;
  let lsp: LspClient;
  const get = async (name: string) => {
    const cart = (await (await fetch(`${stack.service.url}/${name}`)).json()) as { total: number };
    return cart.total;
  };
  const lensAt = (line: number, pattern: RegExp, what: string) => lensMatching(lsp, uri, line, pattern, what);

  before(async () => {
    assert.notEqual(ran, RETURN_LINE, 'the running line differs from the .ts line, or this test proves nothing about the map');
    stack = await startEditorStack(uri, text, { SONDE_METRIC_INTERVAL_MS: '200' }, TS_SERVICE, 'typescript');
    ({ lsp } = stack);
  });

  after(() => stopEditorStack(stack ?? {}));

  it('a log at the .ts line prints the values there, and its lens counts the hit', async () => {
    const mark = lsp.notifications.length;
    const actionId = await runCommand(lsp, 'sonde.addLog', { uri, line: RETURN_LINE, format: 'name={name} total={total}' });
    const total = await get('ada');
    const log = await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.actionId === actionId, 'the log line', mark);
    assert.equal(log.params.text, `name=ada total=${total}`);
    assert.equal(log.params.line, RETURN_LINE, 'the line comes back at the .ts line');
    await lensAt(RETURN_LINE, /^log "name=\{name\} total=\{total\}" · 1 hit$/, 'the log with one hit');
    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });
  });

  it('a counter, a metric and a tic-toc of the function show their figures in the lens', async () => {
    const counter = await runCodeAction(lsp, uri, 'Sonde: add counter here', RETURN_LINE);
    const metric = await runCommand(lsp, 'sonde.addMetric', { uri, line: RETURN_LINE, expression: 'total' });
    const tictoc = await runCodeAction(lsp, uri, 'Sonde: time each call of priceOf (tic-toc)', FUNCTION_LINE);
    const totals: number[] = [];
    for (const name of ['a', 'bb', 'ccc']) totals.push(await get(name));
    await lensAt(RETURN_LINE, /^counter · 3 hits · [\d.]+\/s$/, 'the counter with 3 hits');
    await lensAt(RETURN_LINE, new RegExp(`^metric "total" · 3 hits · p50 [\\d.]+ · max ${Math.max(...totals)}$`), 'the metric with its max');
    await lensAt(FUNCTION_LINE, /^tictoc · 3 hits · p50 [\d.]+ ms · p99 [\d.]+ ms$/, 'the tic-toc with its quantiles');
    for (const actionId of [counter, metric, tictoc]) await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });
  });

  it("a snapshot shows the .ts line's variables on hover and as an inlay hint, and its frame at the .ts line", async () => {
    const actionId = await runCodeAction(lsp, uri, 'Sonde: take a snapshot here', RETURN_LINE);
    const total = await get('snap');
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.state === 'hit_limit_reached', 'the snapshot to be taken');
    const hover = await hoverAt(lsp, uri, RETURN_LINE);
    assert.match(hover, new RegExp(`\\n#0 priceOf \\(\\S*src/server\\.ts:${RETURN_LINE + 1}\\)\\n`), 'the top frame at the .ts line');
    for (const line of ['  name: string = snap', `  total: number = ${total}`, '  items: Array = Array(4)']) assert.ok(hover.includes(`\n${line}\n`), `hover lacks ${line}:\n${hover}`);
    const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: RETURN_LINE + 1, character: 0 } } });
    assert.equal(hints.length, 1, JSON.stringify(hints));
    for (const part of ["name = 'snap'", `total = ${total}`, 'items = […]']) assert.ok(hints[0]!.label.includes(part), `the hint lacks ${part}: ${hints[0]!.label}`);
    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });
  });
});
