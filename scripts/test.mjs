// The one test command (README, CI): sets up, then runs every suite and ends
// with a single line "N passed, N failed" summing all of them.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root, setup, setupBrowser, setupEditors } from './setup.mjs';
import { startKeycloak } from './keycloak.mjs';
import { mavenArgs, setupJvm } from './jvm.mjs';
import { setupAirflow, setupPython } from './python.mjs';

// Mocha suites, in the order of the flow; e2e last since it needs all parts.
const MOCHA_SUITES = ['protocol', 'protocol/rpc', 'agent-gateway', 'agents/node', 'clients/core', 'lsp-server', 'clients/cli', 'e2e'];

const SUITE_LIMIT_MS = 5 * 60 * 1000;
const SUITES_WITH_KEYCLOAK = new Set(['agent-gateway', 'lsp-server', 'e2e']);

/** Runs one suite's runner, echoing it, and reads its own summary for the counts. */
function runCounted(dir, cmd, args, env, count) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: join(root, dir), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
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
      const counted = count(plain);
      // A suite that crashed before reporting counts as one failure.
      if (code !== 0 && counted.failed === 0) counted.failed = 1;
      resolve({ dir, ...counted, code });
    });
  });
}

const mochaCounts = (out) => ({ passed: Number(/(\d+) passing/.exec(out)?.[1] ?? 0), failed: Number(/(\d+) failing/.exec(out)?.[1] ?? 0) });
// pytest's last line: "=== 3 failed, 56 passed in 0.2s ===" (errors count as failures).
const pytestCounts = (out) => {
  const last = out.trim().split('\n').at(-1) ?? '';
  const n = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(last)?.[1] ?? 0);
  return { passed: n('passed'), failed: n('failed') + n('errors?') };
};

// Surefire's and failsafe's summaries, "Tests run: 143, Failures: 0, Errors: 0, Skipped: 0" (a class's own lines say "-- in"): summed.
const junitCounts = (out) => {
  let passed = 0;
  let failed = 0;
  for (const line of out.split('\n')) {
    const m = /Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)/.exec(line);
    if (!m || line.includes(' -- in ')) continue;
    const [run, failures, errors, skipped] = m.slice(1).map(Number);
    passed += run - failures - errors - skipped;
    failed += failures + errors;
  }
  return { passed, failed };
};

const runMocha = (dir, env) => runCounted(dir, process.execPath, [join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--color'], env, mochaCounts);
const runPytest = (python) => runCounted('agents/python', python, ['-m', 'pytest', '--color=yes', '-p', 'no:cacheprovider'], {}, pytestCounts);
// verify: the unit tests (surefire), then the engine's tests in a JVM running the packaged agent (failsafe).
const runJUnit = () => runCounted('agents/jvm', 'mvn', [...mavenArgs, 'verify'], {}, junitCounts);

setup();
setupEditors();
const python = setupPython();
setupAirflow();
setupJvm();
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
    // The Python and JVM agents' suites before the end-to-end tests, which drive every agent.
    if (dir === 'e2e') {
      process.stdout.write('\n=== agents/python (pytest) ===\n');
      results.push(await runPytest(python));
      process.stdout.write('\n=== agents/jvm (JUnit) ===\n');
      results.push(await runJUnit());
    }
    process.stdout.write(`\n=== ${dir} (mocha) ===\n`);
    results.push(await runMocha(dir, env));
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
