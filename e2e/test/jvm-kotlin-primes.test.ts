// The seed's third demo: the Kotlin program PrimeMainComplex counts primes in
// a loop inside main, which never returns. The log `Checking {i} found {cnt}`
// goes in at line 45 (`if (pc.isPrime())`) while it runs; since the loop's
// call keeps its old bytecode, the agent serves the line through the JVM's
// own debugger interface (the state says so), the lines stream in with the
// right values, and at the program's rate the quota trips with the seed's
// message while the program keeps running.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LspClient } from '@sonde/lsp-server/testing';
import { lensMatching } from './support/editor-actions.js';
import { openEditor } from './support/editor-stack.js';
import { repoRoot, start, startGateway, type Proc } from './support/processes.js';

const agentJar = join(repoRoot, 'agents', 'jvm', 'target', 'sonde-agent-0.1.0.jar');
const exampleDir = join(repoRoot, 'examples', 'kotlin-primes');
const programJar = join(exampleDir, 'target', 'kotlin-primes-0.1.0.jar');
const sourceFile = join(exampleDir, 'src', 'main', 'kotlin', 'PrimeMainComplex.kt');
const sourceUri = pathToFileURL(sourceFile).href;
const sourceText = readFileSync(sourceFile, 'utf8');
const JDWP = '-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0,onjcmd=y';

/** The primes below n: what cnt holds when i is n at line 45. */
function primesBelow(n: number): number {
  let count = 0;
  for (let k = 2; k < n; k++) {
    let prime = true;
    for (let d = 2; d * d <= k; d++) if (k % d === 0) { prime = false; break; }
    if (prime) count++;
  }
  return count;
}

describe('the seed\'s Kotlin PrimeMainComplex: a log in the loop of main, which never returns', function () {
  this.timeout(120_000);
  let gateway: { proc: Proc; url: string };
  let program: Proc;
  let lsp: LspClient;

  before(async function () {
    assert.ok(existsSync(agentJar) && existsSync(programJar), `no ${agentJar} or ${programJar}: npm test builds them (scripts/jvm.mjs)`);
    gateway = await startGateway(0, mkdtempSync(join(tmpdir(), 'sonde-e2e-kotlin-')));
    program = start('java', [JDWP, `-javaagent:${agentJar}`, '-jar', programJar], { name: 'kotlin-primes', cwd: exampleDir, env: { ...process.env, SONDE_GATEWAY_URL: gateway.url, SONDE_TAGS: 'e2e' } });
    await program.waitFor(/sonde agent: connected to/);
    lsp = await openEditor(gateway.url, sourceUri, sourceText, 'kotlin');
  });

  after(async () => {
    await lsp?.stop();
    await program?.stop();
    await gateway?.proc.stop();
  });

  it('streams Checking {i} found {cnt} with the right values from the running loop, then pauses with the seed\'s message while the program goes on', async () => {
    assert.match(sourceText.split('\n')[44]!, /^ +if \(pc\.isPrime\(\)\) \{$/, 'line 45 is the seed\'s');
    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: sourceUri, line: 44, format: 'Checking {i} found {cnt}' }] });
    const active = await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.state === 'active', 'the log to become active', mark, 30_000);
    assert.match(JSON.stringify(active.params), /PrimeMainComplex\.main is running now in thread main.*breakpoint of the JVM's debugger interface serves the line/, `the state says what serves the line: ${JSON.stringify(active.params)}`);
    const lines: string[] = [];
    for (let k = 0; k < 5; k++) {
      const line = await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.actionId === actionId && !lines.includes(String(n.params.text)), `line ${k + 1}`, mark, 30_000);
      lines.push(String(line.params.text));
    }
    for (const text of lines) {
      const m = /^Checking (\d+) found (\d+)$/.exec(text);
      assert.ok(m, `a line of the format: ${text}`);
      assert.equal(Number(m[2]), primesBelow(Number(m[1])), `cnt at i=${m[1]} is the number of primes below it: ${text}`);
    }
    const paused = await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.state === 'paused_quota', 'the quota to trip', mark, 60_000);
    assert.match(JSON.stringify(paused.params), /Logpoint is paused due to high call rate until log quota is restored/);
    // The lens says what serves the line: its measured cost a hit, and that a breakpoint serves it.
    const lens = await lensMatching(lsp, sourceUri, 44, /^log "Checking \{i\} found \{cnt\}" · \d+ hits .*\/hit \+ breakpoint/, 'the lens naming the breakpoint');
    assert.match(lens, /[\d.]+ (ns|µs|ms)\/hit \+ breakpoint/, lens);
    const progress = program.output().length;
    await program.waitFor(new RegExp(`[\\s\\S]{${progress}}[\\s\\S]*checked up to \\d+`), 20_000);
  });

  it('takes a snapshot at line 45 through the same fallback: the hover shows i, pc (its field number) and non_static_cnt', async () => {
    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addSnapshot', arguments: [{ uri: sourceUri, line: 44, expressions: ['pc.number * 2'] }] });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && Number(n.params.hits) >= 1, 'the snapshot\'s hit', mark, 30_000);
    const deadline = Date.now() + 15_000;
    let hover = '';
    while (!/non_static_cnt/.test(hover) && Date.now() < deadline) {
      hover = (await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: sourceUri }, position: { line: 44, character: 16 } }))?.contents.value ?? '';
      await new Promise((r) => setTimeout(r, 200));
    }
    const i = Number(/\bi: Integer = (\d+)/.exec(hover)?.[1]);
    assert.ok(i >= 2, `i among the locals: ${hover}`);
    assert.match(hover, new RegExp(`number: Integer = ${i}\\b`), 'pc read from its field, number = i');
    assert.match(hover, new RegExp(`pc.number \\* 2: Integer = ${2 * i}\\b`), 'the watch');
    assert.match(hover, new RegExp(`non_static_cnt: Integer = ${primesBelow(i)}\\b`), 'non_static_cnt, the primes below i');
  });

  it('logs inside the inline function report() (Report.kt): the SMAP finds its copy in main, whose running loop the fallback serves', async () => {
    const reportFile = join(exampleDir, 'src', 'main', 'kotlin', 'Report.kt');
    const reportUri = pathToFileURL(reportFile).href;
    const reportText = readFileSync(reportFile, 'utf8');
    const body = reportText.split('\n').findIndex((l) => l.includes('if (i % PrimeMainComplex.PROGRESS_EVERY == 0)'));
    await lsp.notify('textDocument/didOpen', { textDocument: { uri: reportUri, languageId: 'kotlin', version: 1, text: reportText } });
    const mark = lsp.notifications.length;
    const { actionId } = await lsp.request<{ actionId: string }>('workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: reportUri, line: body, format: 'report {i} {count}' }] });
    await lsp.waitFor((n) => n.method === 'sonde/actionState' && n.params.actionId === actionId && n.params.state === 'active', 'the log in the inline function to become active', mark, 30_000);
    const line = await lsp.waitFor((n) => n.method === 'sonde/log' && n.params.actionId === actionId, 'a line from the inline body', mark, 30_000);
    const m = /^report (\d+) (\d+)$/.exec(String(line.params.text));
    assert.ok(m, `the inline function's own parameters (i$iv, count$iv in main): ${String(line.params.text)}`);
    assert.equal(Number(m[2]), primesBelow(Number(m[1])), String(line.params.text));
    await lsp.request('workspace/executeCommand', { command: 'sonde.removeLog', arguments: [{ actionId }] });
  });
});
