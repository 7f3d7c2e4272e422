// The JVM agent and the JVM examples, built with Maven into their target/
// folders (ignored by git); Maven's downloads are cached in .tools/m2.
// setupJvm() is safe to run again: a build whose jar is newer than every
// source is skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './setup.mjs';

export const jvmAgentDir = join(root, 'agents', 'jvm');
export const agentJar = join(jvmAgentDir, 'target', 'sonde-agent-0.1.0.jar');
const EXAMPLES = [
  { dir: join(root, 'examples', 'java-service'), jar: 'java-service-0.1.0.jar' },
  // Kotlin: the pom sets kotlin.compiler.daemon=false, so no compile daemon outlives Maven.
  { dir: join(root, 'examples', 'kotlin-primes'), jar: 'kotlin-primes-0.1.0.jar' },
];

/** Maven's common options: batch mode, no download progress, the cache under .tools. */
export const mavenArgs = ['-B', '-ntp', `-Dmaven.repo.local=${join(root, '.tools', 'm2')}`];

const newest = (dir) => {
  let t = 0;
  for (const f of readdirSync(dir, { recursive: true })) {
    const p = join(dir, String(f));
    if (!String(f).startsWith('target') && statSync(p).isFile()) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
};

function build(dir, jar, what) {
  const out = join(dir, 'target', jar);
  if (existsSync(out) && statSync(out).mtimeMs > newest(dir) && (dir !== jvmAgentDir || statSync(out).mtimeMs > newest(join(root, 'protocol', 'proto')))) return;
  process.stderr.write(`setup: building ${what} with Maven (downloads cached in .tools/m2)\n`);
  const r = spawnSync('mvn', [...mavenArgs, '-q', '-DskipTests', 'package'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`setup: cannot run Maven ("mvn"): ${r.error.message}; install Maven 3.8 or newer and Java 17 or newer`);
  if (r.status !== 0) throw new Error(`setup: building ${what} failed (mvn exit ${r.status ?? r.signal})`);
}

/** Builds the agent jar and the examples; returns the agent jar's path. */
export function setupJvm() {
  build(jvmAgentDir, 'sonde-agent-0.1.0.jar', 'the JVM agent (agents/jvm)');
  for (const e of EXAMPLES) build(e.dir, e.jar, `the example ${e.dir.split('/').at(-1)}`);
  return agentJar;
}
