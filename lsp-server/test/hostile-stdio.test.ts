// The language server over real stdio, given what an attacker or an unlucky
// editor sends: broken framing, bodies that are not JSON, code actions on
// files that would block, never end, exhaust memory or leak (a FIFO,
// /dev/zero, a 50 MB line, /etc/passwd), and positions out of range. After
// each, the same process must go on answering, or, when the stream itself is
// lost, exit with a message that says why (the editor starts a new one).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-jsonrpc/node';
import type { CodeAction, CodeLens, Hover } from 'vscode-languageserver-protocol';
import { LspClient, editorInitializeParams } from '../src/testing/lsp-client.js';
import { STALL_ENV } from '../src/main.js';

const serverJs = ["const express = require('express');", "app.get('/hello', (req, res) => {", "  const name = req.query.name;", "  return 'Hello: ' + name;", '});', ''].join('\n');

/** A body framed as LSP frames it. */
function frame(body: string): string {
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Resident memory of a process, from /proc (Linux). */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

describe('sonde lsp over stdio, given hostile input', function () {
  this.timeout(30_000);
  let root: string;
  let fileUri: string;
  let lsp: LspClient | undefined;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sonde-lsp-hostile-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'server.js'), serverJs);
    fileUri = pathToFileURL(join(root, 'src', 'server.js')).href;
  });

  afterEach(function () {
    if (lsp) {
      if (this.currentTest?.state === 'failed') process.stderr.write(`language server stderr:\n${lsp.output()}\n`);
      lsp.kill();
      lsp = undefined;
    }
    rmSync(root, { recursive: true, force: true });
  });

  async function start(env: NodeJS.ProcessEnv = {}): Promise<LspClient> {
    lsp = LspClient.start({ env });
    // No gateway: code actions, lenses and hovers need none.
    await lsp.initialize(editorInitializeParams(root, {}));
    await lsp.notify('textDocument/didOpen', { textDocument: { uri: fileUri, languageId: 'javascript', version: 1, text: serverJs } });
    return lsp;
  }

  function codeActions(uri: string, line: number): Promise<CodeAction[]> {
    return lsp!.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      context: { diagnostics: [] },
    });
  }

  /** The format "add log here" offers at a line. */
  async function defaultFormatAt(uri: string, line: number): Promise<string> {
    const [add] = await codeActions(uri, line);
    return (add?.command?.arguments?.[0] as { format: string }).format;
  }

  /** The process still answers, and still reads the open document. */
  async function stillServing(): Promise<void> {
    assert.equal(await defaultFormatAt(fileUri, 3), 'name={name}');
  }

  /** Waits for the process to exit (no timing: it exits, or the test times out); its exit code and stderr. */
  async function exitOf(client: LspClient): Promise<{ code: number | null; stderr: string }> {
    const code = await client.exited;
    return { code, stderr: client.output() };
  }

  it('answers a body that is not JSON with -32700, one that is not a message with -32600, and goes on serving', async () => {
    const client = await start();
    client.child.stdin.write('Content-Length: 9\r\n\r\n{not json');
    const parse = await client.waitForLogged((m) => /"code": -32700/.test(m), 'a -32700 reply');
    assert.match(parse, /without id/, 'JSON-RPC: a parse error is answered with id null');
    assert.match(parse, /is not JSON/);
    await stillServing();
    client.child.stdin.write(frame('[1, 2]'));
    await client.waitForLogged((m) => /"code": -32600/.test(m), 'a -32600 reply');
    await stillServing();
  });

  it('exits with a message on a header it cannot read, rather than staying alive and deaf', async () => {
    const cases: [string, RegExp][] = [
      ['Content-Length: abc\r\n\r\n{}', /Content-Length must be a number of bytes, got "abc"/],
      ['Content-Type: application/json\r\n\r\n{}', /a message header has no Content-Length/],
      ['Content-Length: 99999999999\r\n\r\n{}', /Content-Length 99999999999 is over the 67108864-byte limit of a message/],
      [`X: ${'x'.repeat(10_000)}`, /no end of header \(an empty line\) in the first 8192 bytes/],
    ];
    for (const [bytes, reason] of cases) {
      const client = await start();
      await stillServing();
      client.child.stdin.write(bytes);
      const { code, stderr } = await exitOf(client);
      assert.equal(code, 2, `exit code after ${JSON.stringify(bytes.slice(0, 40))}`);
      assert.match(stderr, reason);
      assert.match(stderr, /cannot read the editor's messages any more: .*; exiting so that the editor can restart it/);
      lsp = undefined;
    }
  });

  it('exits with a message when a message stops part-way (a Content-Length larger than its body), rather than waiting forever', async () => {
    const client = await start({ [STALL_ENV]: '300' });
    await stillServing();
    const body = JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'shutdown' });
    client.child.stdin.write(`Content-Length: 1000\r\n\r\n${body}`);
    const { code, stderr } = await exitOf(client);
    assert.equal(code, 2);
    assert.match(stderr, new RegExp(`a message stopped arriving part-way \\(${body.length} of the 1000 bytes its Content-Length announced, then nothing for 300 ms\\)`));
  });

  it('answers a code action on a FIFO at once, with a plain default, instead of blocking on it', async () => {
    execFileSync('mkfifo', [join(root, 'src', 'pipe.js')]);
    await start();
    assert.equal(await defaultFormatAt(pathToFileURL(join(root, 'src', 'pipe.js')).href, 0), 'reached src/pipe.js:1');
    await stillServing();
  });

  it('does not read /dev/zero, nor a symlink to it in the workspace, and stays small', async () => {
    symlinkSync('/dev/zero', join(root, 'src', 'zero.js'));
    const client = await start();
    const before = rssMiB(client.child.pid!);
    assert.equal(await defaultFormatAt('file:///dev/zero', 0), 'reached /dev/zero:1');
    assert.equal(await defaultFormatAt(pathToFileURL(join(root, 'src', 'zero.js')).href, 0), 'reached src/zero.js:1');
    await stillServing();
    console.log(`      RSS of the language server: ${before} MiB before the code actions on /dev/zero, ${rssMiB(client.child.pid!)} MiB after`);
  });

  it('does not read a 50 MB one-line file it was never given, nor scan a long line it was given, and stays small', async () => {
    const line = 'a+'.repeat(25 * 1024 * 1024);
    writeFileSync(join(root, 'src', 'big.js'), line);
    const client = await start();
    const before = rssMiB(client.child.pid!);
    assert.equal(await defaultFormatAt(pathToFileURL(join(root, 'src', 'big.js')).href, 0), 'reached src/big.js:1');
    await stillServing();
    const afterUnopened = rssMiB(client.child.pid!);
    // An open document's long line (minified code, say) gets the plain default too.
    const longUri = pathToFileURL(join(root, 'src', 'long.js')).href;
    await client.notify('textDocument/didOpen', { textDocument: { uri: longUri, languageId: 'javascript', version: 1, text: `${'a+'.repeat(100_000)}b\n` } });
    assert.equal(await defaultFormatAt(longUri, 0), 'reached src/long.js:1');
    await stillServing();
    console.log(`      RSS of the language server: ${before} MiB before, ${afterUnopened} MiB after a code action on a 50 MB one-line file, ${rssMiB(client.child.pid!)} MiB after one on an open 200,001-character line`);
  });

  it('builds the default format of a never-opened file outside the workspace (/etc/passwd) without reading it', async () => {
    symlinkSync('/etc/passwd', join(root, 'src', 'passwd.js'));
    await start();
    assert.equal(await defaultFormatAt('file:///etc/passwd', 0), 'reached /etc/passwd:1');
    // Nor through a symlink: where it leads is what counts.
    assert.equal(await defaultFormatAt(pathToFileURL(join(root, 'src', 'passwd.js')).href, 0), 'reached src/passwd.js:1');
    await stillServing();
    // A never-opened file that is under the workspace is read.
    writeFileSync(join(root, 'src', 'closed.js'), 'x\n  return total + tax;\n');
    assert.equal(await defaultFormatAt(pathToFileURL(join(root, 'src', 'closed.js')).href, 1), 'total={total}, tax={tax}');
  });

  it('refuses positions out of range with -32602 naming the field, and goes on serving', async () => {
    await start();
    const invalid = (field: RegExp) => (e: unknown) => e instanceof ResponseError && e.code === -32602 && field.test(e.message);
    const range = (start: unknown) => ({ textDocument: { uri: fileUri }, range: { start, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    const refusals: [string, unknown, RegExp][] = [
      ['textDocument/codeAction', range({ line: -1, character: 0 }), /textDocument\/codeAction: range\.start\.line must be an integer from 0 to 5 \(the document has 6 lines\), got -1/],
      ['textDocument/codeAction', range({ line: 1.5, character: 0 }), /range\.start\.line must be an integer from 0 to 5 .*got 1\.5/],
      ['textDocument/codeAction', range({ line: 99, character: 0 }), /range\.start\.line must be an integer from 0 to 5 .*got 99/],
      ['textDocument/codeAction', range({ line: 0, character: -3 }), /range\.start\.character must be a non-negative integer, got -3/],
      ['textDocument/codeAction', range('here'), /range\.start must be a position \{line, character\}, got "here"/],
      ['textDocument/hover', { textDocument: { uri: fileUri }, position: { line: -1, character: 0 } }, /textDocument\/hover: position\.line must be an integer from 0 to 5/],
      ['textDocument/hover', { textDocument: { uri: fileUri }, position: { line: 'x', character: 0 } }, /position\.line must be .*got "x"/],
      ['textDocument/codeLens', { textDocument: {} }, /textDocument\/codeLens: textDocument\.uri must be a string, got nothing/],
      ['workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: fileUri, line: 99 }] }, /sonde\.addLog: line 99 \(0-based\) is past the end of src\/server\.js, which has 6 lines/],
      ['workspace/executeCommand', { command: 'sonde.addLog', arguments: [{ uri: fileUri, line: -2 }] }, /line must be a non-negative integer, got -2/],
      ['workspace/executeCommand', { command: 42 }, /workspace\/executeCommand: command must be a string, got 42/],
    ];
    for (const [method, params, field] of refusals) {
      await assert.rejects(lsp!.request(method, params), invalid(field), `${method} ${JSON.stringify(params)}`);
      await stillServing();
    }
    // What is in range is answered as before.
    assert.equal(await lsp!.request<Hover | null>('textDocument/hover', { textDocument: { uri: fileUri }, position: { line: 5, character: 400 } }), null);
    assert.deepEqual(await lsp!.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: fileUri } }), []);
  });
});
