// Builds the agent (Maven) and this bench (javac -g: the probes read locals by their names), then runs it
// under -javaagent with no gateway: the engine is driven directly and lines go to the agent's queue.
//   node bench/jvm-agent/run.mjs [--json-only]
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupJvm } from '../../scripts/jvm.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const jar = setupJvm();
const out = join(here, '..', '..', '.tools', 'bench-jvm');
mkdirSync(out, { recursive: true });
const javac = spawnSync('javac', ['-g', '-cp', jar, '-d', out, join(here, 'Bench.java')], { stdio: 'inherit' });
if (javac.status !== 0) process.exit(1);
const run = spawnSync('java', [`-javaagent:${jar}`, '-cp', `${out}:${jar}`, 'Bench', ...process.argv.slice(2)], { cwd: here, stdio: 'inherit' });
process.exit(run.status ?? 1);
