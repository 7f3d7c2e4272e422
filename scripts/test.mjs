// The one test command (README, CI): sets up, then runs every suite and ends
// with a single line "N passed, N failed" summing all of them.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root, setup, setupBrowser, setupEditors } from './setup.mjs';
import { startKeycloak } from './keycloak.mjs';

// Mocha suites, in the order of the flow; e2e last since it needs all parts.
const MOCHA_SUITES = ['protocol', 'protocol/rpc', 'agent-gateway', 'agents/node', 'clients/core', 'lsp-server', 'clients/cli', 'e2e'];

const SUITE_LIMIT_MS = 5 * 60 * 1000;
const SUITES_WITH_KEYCLOAK = new Set(['agent-gateway', 'lsp-server', 'e2e']);

function runSuite(dir, env) {
  return new Promise((resolve) => {
    const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const child = spawn(process.execPath, [mocha, '--color'], { cwd: join(root, dir), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
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
const noBrowser = setupBrowser();
if (noBrowser) process.stderr.write(`setup: ${noBrowser}\n`);
// One Keycloak for the whole run (the identity tests), started while the first suites run.
const keycloak = startKeycloak().catch((err) => err);
const results = [];
try {
  for (const dir of MOCHA_SUITES) {
    const env = {};
    if (SUITES_WITH_KEYCLOAK.has(dir)) {
      const kc = await keycloak;
      if (kc instanceof Error) process.stderr.write(`\n${kc.message}\n(the identity tests start their own, and say why if they cannot)\n`);
      else env.SONDE_TEST_KEYCLOAK_URL = kc.url;
    }
    process.stdout.write(`\n=== ${dir} (mocha) ===\n`);
    results.push(await runSuite(dir, env));
  }
} finally {
  const kc = await keycloak;
  if (!(kc instanceof Error)) await kc.stop();
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write('\n');
for (const r of results) process.stdout.write(`${r.dir.padEnd(16)} ${r.passed} passed, ${r.failed} failed\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
