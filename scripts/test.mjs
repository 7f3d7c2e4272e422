// The one test command (README, CI): sets up, then runs every suite and ends
// with a single line "N passed, N failed" summing all of them.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root, setup, setupEditors } from './setup.mjs';

// Mocha suites, in the order of the flow; e2e last since it needs all parts.
const MOCHA_SUITES = ['protocol', 'protocol/rpc', 'agent-gateway', 'agents/node', 'clients/core', 'lsp-server', 'clients/cli', 'e2e'];

const SUITE_LIMIT_MS = 5 * 60 * 1000;

function runSuite(dir) {
  return new Promise((resolve) => {
    const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const child = spawn(process.execPath, [mocha, '--color'], { cwd: join(root, dir), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    // A suite that hangs (a handle left open) fails instead of stalling CI.
    const limit = setTimeout(() => {
      process.stderr.write(`\n${dir}: still running after ${SUITE_LIMIT_MS / 1000} s; stopping it\n`);
      child.kill('SIGKILL');
    }, SUITE_LIMIT_MS);
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => {
      clearTimeout(limit);
      // eslint-disable-next-line no-control-regex
      const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
      const passed = Number(/(\d+) passing/.exec(plain)?.[1] ?? 0);
      let failed = Number(/(\d+) failing/.exec(plain)?.[1] ?? 0);
      // A suite that crashed before reporting counts as one failure.
      if (code !== 0 && failed === 0) failed = 1;
      resolve({ dir, passed, failed, code });
    });
  });
}

setup();
setupEditors();
const results = [];
for (const dir of MOCHA_SUITES) {
  process.stdout.write(`\n=== ${dir} (mocha) ===\n`);
  results.push(await runSuite(dir));
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write('\n');
for (const r of results) process.stdout.write(`${r.dir.padEnd(16)} ${r.passed} passed, ${r.failed} failed\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
