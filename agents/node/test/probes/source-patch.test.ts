import assert from 'node:assert/strict';
import { applyInsertions, patchLine, StatementIndex } from '../../src/probes/source-patch.js';

const PROBE = 'hits.push(n);';

function lines(s: string): number {
  return s.split('\n').length;
}

/** Runs a patched function body with `hits` in scope and returns [result, hits]. */
function run(source: string, n: number): [unknown, unknown[]] {
  const hits: unknown[] = [];
  const fn = new Function('hits', 'n', source) as (hits: unknown[], n: number) => unknown;
  return [fn(hits, n), hits];
}

describe('probes/source-patch', () => {
  it('inserts the probe on the same line, in front of the statement, keeping the line count', () => {
    const src = 'let a = 1;\nlet b = a + n;\nreturn b;\n';
    const r = patchLine(src, 2, PROBE);
    assert.ok(r.ok);
    assert.equal(r.source, `let a = 1;\n${PROBE}let b = a + n;\nreturn b;\n`);
    assert.equal(lines(r.source), lines(src));
  });

  it('wraps an unbraced if body so the probe runs only in the branch', () => {
    const src = 'if (n > 1)\n  return "big";\nreturn "small";\n';
    const r = patchLine(src, 2, PROBE);
    assert.ok(r.ok);
    assert.equal(lines(r.source), lines(src));
    assert.deepEqual(run(r.source, 5), ['big', [5]]);
    assert.deepEqual(run(r.source, 0), ['small', []]);
  });

  it('wraps an unbraced else, loop body and do body', () => {
    const src = 'let s = 0;\nif (n < 0) s = -1;\nelse\n  s = 1;\nfor (let i = 0; i < n; i++)\n  s += i;\ndo\n  s++;\nwhile (s < 0);\nreturn s;\n';
    for (const line of [4, 6, 8]) {
      const r = patchLine(src, line, PROBE);
      assert.ok(r.ok, `line ${line}`);
      assert.equal(lines(r.source), lines(src));
      assert.deepEqual(run(r.source, 3)[0], run(src, 3)[0], `line ${line} changed the result`);
    }
    assert.deepEqual(run((patchLine(src, 6, PROBE) as { source: string }).source, 3)[1], [3, 3, 3], 'loop body probe runs per iteration');
    assert.deepEqual(run((patchLine(src, 4, PROBE) as { source: string }).source, -2)[1], [], 'else probe ran in the if branch');
  });

  it('puts the probe before the first statement that starts on the line', () => {
    const src = 'let a = 1; let b = 2;\nreturn a + b;\n';
    const r = patchLine(src, 1, PROBE);
    assert.ok(r.ok && r.source.startsWith(`${PROBE}let a = 1;`));
  });

  it('says when no statement starts on the line', () => {
    const src = 'function f() {\n  return 1;\n}\n\n';
    assert.deepEqual(patchLine(src, 3, PROBE), { ok: false, reason: 'no statement starts at line 3' });
    assert.deepEqual(patchLine(src, 4, PROBE), { ok: false, reason: 'no statement starts at line 4' });
  });

  it('never puts a probe in front of a directive, which would drop strict mode', () => {
    assert.equal(patchLine('"use strict";\nx();\n', 1, PROBE).ok, false);
  });

  it('does not split a label from its loop', () => {
    const src = 'outer:\nfor (;;)\n{ continue outer; }\n';
    assert.equal(patchLine(src, 2, PROBE).ok, false);
  });

  it('parses CommonJS with a hashbang and a top-level return, and ES modules', () => {
    assert.ok(patchLine('#!/usr/bin/env node\nif (x) return;\nrun();\n', 3, PROBE).ok);
    assert.ok(patchLine('import fs from "node:fs";\nexport function f() {\n  return fs;\n}\n', 3, PROBE, true).ok);
  });

  it('puts several probes at one site and maps offsets past them', () => {
    const src = 'let a = 1;\nif (n)\n  a = 2;\nreturn a;\n';
    const index = new StatementIndex(src, false);
    const site = index.siteAt(3);
    assert.ok(site.ok);
    const patch = applyInsertions(src, [
      { site: site.site, code: 'hits.push(1);' },
      { site: site.site, code: 'hits.push(2);' },
    ]);
    assert.deepEqual(run(patch.source, 1), [2, [1, 2]]);
    assert.equal(patch.source.slice(patch.mapOffset(site.site.start)).split('\n')[0], 'a = 2;}');
  });

  it('prefers a one-line handler over top-level code that already ran, marking an expression body', () => {
    const src = "const app = { get(p, h) {} };\napp.get('/', (req) => req.name + '!');\n";
    const r = new StatementIndex(src, false).siteAt(2);
    assert.ok(r.ok);
    assert.equal(r.site.inFunction, true);
    assert.equal(r.site.concise, true, 'an expression body: a breakpoint must serve it');
    assert.equal(src.slice(r.site.start, r.site.end), "req.name + '!'");
    assert.throws(() => applyInsertions(src, [{ site: r.site, code: PROBE }]), /cannot be hot-patched/);
  });

  it('puts the probe in a one-line function declared at top level', () => {
    const src = 'function twice(x) { return x * 2; }\nreturn twice(n) + twice(1);\n';
    const r = patchLine(src, 1, 'hits.push(x);');
    assert.ok(r.ok);
    assert.deepEqual(run(r.source, 4), [10, [4, 1]]);
  });

  it('inside a function, keeps the outer statement of a line with a callback', () => {
    const src = 'const out = [];\n[1, 2].forEach((x) => out.push(x * n));\nreturn out;\n';
    const r = new StatementIndex(`function g(n) {\n${src}}`, false).siteAt(3);
    assert.ok(r.ok);
    assert.equal(r.site.concise, false, 'the forEach statement, not the callback body');
  });
});
