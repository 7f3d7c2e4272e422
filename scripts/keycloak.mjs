// A real Keycloak for the identity tests, on loopback. Downloaded once from
// Maven Central (org.keycloak:keycloak-quarkus-dist) into .tools/ (git-ignored,
// kept between runs), started with the repo's realm imported, stopped with
// its whole process group. Keycloak needs Java 21 or newer: it runs on the
// Temurin JDK found beside the default Java (or SONDE_KEYCLOAK_JAVA_HOME).
//
//   node scripts/keycloak.mjs serve    starts it, prints "keycloak ready at URL", runs until stopped
//   node scripts/keycloak.mjs fetch    only downloads and unpacks
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './setup.mjs';

export const KEYCLOAK_VERSION = '26.7.3';
export const REALM_FILE = join(root, 'agent-gateway', 'keycloak', 'sonde-realm.json');
const TOOLS = join(root, '.tools');
const HOME = join(TOOLS, `keycloak-${KEYCLOAK_VERSION}`);
const READY_TIMEOUT_MS = 240_000;
/** Every Keycloak this process started, so that a signal stops them even before they are ready. */
const started = new Set();

function fail(message) {
  throw new Error(`keycloak: ${message}`);
}

/** A JDK of version 21 or newer: SONDE_KEYCLOAK_JAVA_HOME, else the newest Temurin under /usr/lib/jvm. */
export function keycloakJavaHome() {
  const given = process.env.SONDE_KEYCLOAK_JAVA_HOME;
  if (given) return given;
  const jvm = '/usr/lib/jvm';
  const found = existsSync(jvm)
    ? readdirSync(jvm)
        .map((name) => ({ name, major: Number(/(?:temurin|jdk|java)-(\d+)/.exec(name)?.[1] ?? 0) }))
        .filter((j) => j.major >= 21 && existsSync(join(jvm, j.name, 'bin', 'java')))
        .sort((a, b) => b.major - a.major)[0]
    : undefined;
  if (!found) fail(`needs Java 21 or newer and found none under ${jvm}; set SONDE_KEYCLOAK_JAVA_HOME to a JDK 21+`);
  return join(jvm, found.name);
}

/** Downloads and unpacks Keycloak into .tools/ unless it is there; returns its folder. */
export function fetchKeycloak() {
  if (existsSync(join(HOME, 'bin', 'kc.sh'))) return HOME;
  mkdirSync(TOOLS, { recursive: true });
  process.stderr.write(`keycloak: downloading ${KEYCLOAK_VERSION} from Maven Central into .tools/ (about 170 MB, once)\n`);
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { cwd: TOOLS, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) fail(`"${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
  };
  run('mvn', ['-B', '-q', `-Dmaven.repo.local=${join(TOOLS, 'm2')}`, 'dependency:copy', `-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip`, `-DoutputDirectory=${TOOLS}`]);
  const zip = join(TOOLS, `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip`);
  run('unzip', ['-q', '-o', zip]);
  rmSync(zip, { force: true });
  if (!existsSync(join(HOME, 'bin', 'kc.sh'))) fail(`unpacked ${zip} but found no ${HOME}/bin/kc.sh`);
  return HOME;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The realm goes in through data/import; Keycloak skips a realm it already has, so a changed realm file means a fresh database. */
function importRealm(home) {
  const realm = readFileSync(REALM_FILE);
  const hash = createHash('sha256').update(realm).digest('hex');
  const marker = join(home, 'data', 'sonde-realm.sha256');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== hash) {
    rmSync(join(home, 'data', 'h2'), { recursive: true, force: true });
    mkdirSync(join(home, 'data'), { recursive: true });
    writeFileSync(marker, hash);
  }
  mkdirSync(join(home, 'data', 'import'), { recursive: true });
  copyFileSync(REALM_FILE, join(home, 'data', 'import', 'sonde-realm.json'));
}

/** Starts Keycloak on free loopback ports; resolves once its readiness check answers, with its URL and a stop(). */
export async function startKeycloak() {
  const home = fetchKeycloak();
  importRealm(home);
  const [port, management] = [await freePort(), await freePort()];
  const env = { ...process.env, JAVA_HOME: keycloakJavaHome(), KC_BOOTSTRAP_ADMIN_USERNAME: 'admin', KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin', JAVA_OPTS_APPEND: '-XX:TieredStopAtLevel=1' };
  const args = ['start-dev', '--http-host', '127.0.0.1', '--http-port', String(port), '--http-management-port', String(management), '--health-enabled=true', '--import-realm'];
  // Its own process group: kc.sh forks the JVM, and stopping must reach both.
  const child = spawn(join(home, 'bin', 'kc.sh'), args, { cwd: home, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d) => (out = (out + d).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = () =>
    new Promise((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        resolve();
      }
    }).finally(() => started.delete(stop));
  started.add(stop);
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + READY_TIMEOUT_MS; ; await new Promise((r) => setTimeout(r, 500))) {
    if (exited) fail(`exited before it was ready:\n${out}`);
    const ready = await fetch(`http://127.0.0.1:${management}/health/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, realmUrl: `${url}/realms/sonde`, stop };
    if (Date.now() > deadline) {
      await stop();
      fail(`not ready after ${READY_TIMEOUT_MS / 1000} s:\n${out}`);
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const verb = process.argv[2] ?? 'serve';
  if (verb === 'fetch') fetchKeycloak();
  else if (verb === 'serve') {
    const quit = () => Promise.all([...started].map((stop) => stop())).then(() => process.exit(0));
    process.on('SIGTERM', quit);
    process.on('SIGINT', quit);
    // Stopped too when whoever started it goes away (its stdin, a pipe, closes).
    process.stdin.on('end', quit);
    process.stdin.resume();
    const kc = await startKeycloak();
    process.stdout.write(`keycloak ready at ${kc.url}\n`);
  } else {
    process.stderr.write('usage: node scripts/keycloak.mjs [serve|fetch]\n');
    process.exit(2);
  }
}
