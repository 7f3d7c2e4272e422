// The Python agent's environment: a virtual environment under .tools/ (ignored
// by git) with the agent installed editable and its test tools, and the
// protocol code generated from protocol/ by the protoc that the grpcio-tools
// wheel carries (never committed). Safe to run again: the environment is
// rebuilt only when pyproject.toml changed, the code only when a .proto did.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './setup.mjs';

export const pythonAgentDir = join(root, 'agents', 'python');
const venv = join(root, '.tools', 'python');
export const venvPython = join(venv, 'bin', 'python');
const protoDir = join(root, 'protocol', 'proto');
const generated = join(pythonAgentDir, 'src', 'sonde_agent', '_proto');

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${what}: "${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
}

const newest = (dir) => Math.max(...readdirSync(dir, { recursive: true }).map((f) => statSync(join(dir, String(f))).mtimeMs));

/** Creates or refreshes the environment and the generated code; returns the environment's python. */
export function setupPython() {
  const marker = join(venv, '.sonde-installed');
  const pyproject = join(pythonAgentDir, 'pyproject.toml');
  if (!existsSync(marker) || statSync(pyproject).mtimeMs > statSync(marker).mtimeMs) {
    const python = process.env.PYTHON ?? 'python3';
    const version = spawnSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    const [major, minor] = (version.stdout ?? '').trim().split('.').map(Number);
    if (version.status !== 0 || major !== 3 || minor < 11) throw new Error(`the Python agent needs Python 3.11 or newer as "${python}" (found ${version.stdout?.trim() || 'none'}); set PYTHON to one`);
    process.stderr.write('setup: creating the Python agent\'s environment in .tools/python (PyPI: protobuf, websockets, bytecode, ddsketch; for the tests pytest, grpcio-tools, flask, numpy, pandas)\n');
    rmSync(venv, { recursive: true, force: true });
    run(python, ['-m', 'venv', venv], 'creating the virtual environment');
    run(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-e', `${pythonAgentDir}[test]`], 'installing the Python agent');
    writeFileSync(marker, new Date().toISOString());
  }
  generateProtocol();
  return venvPython;
}

/** protocol/proto → sonde_agent/_proto, imports made relative to the package so that no top-level `sonde` module enters the host program. */
function generateProtocol() {
  const stamp = join(generated, '.generated');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newest(protoDir)) return;
  rmSync(generated, { recursive: true, force: true });
  mkdirSync(generated, { recursive: true });
  const protos = readdirSync(join(protoDir, 'sonde', 'v1')).filter((f) => f.endsWith('.proto')).map((f) => join(protoDir, 'sonde', 'v1', f));
  run(venvPython, ['-m', 'grpc_tools.protoc', `-I${protoDir}`, `--python_out=${generated}`, ...protos], 'generating the protocol code');
  const out = join(generated, 'sonde', 'v1');
  for (const f of readdirSync(out).filter((f) => f.endsWith('_pb2.py'))) {
    const file = join(out, f);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^from sonde\.v1 import /gm, 'from . import '));
  }
  for (const dir of [generated, join(generated, 'sonde'), out]) writeFileSync(join(dir, '__init__.py'), '');
  writeFileSync(stamp, new Date().toISOString());
}

const airflowVenv = join(root, '.tools', 'airflow');
export const airflowBin = join(airflowVenv, 'bin', 'airflow');
/** An AIRFLOW_HOME with its SQLite database migrated once: tests copy it, so that no run sees another's state. */
export const airflowHomeTemplate = join(root, '.tools', 'airflow-home');
const AIRFLOW_VERSION = '3.3.2';

/**
 * The Airflow demo's environment (its own: Airflow brings some 360 MB of
 * packages): apache-airflow from PyPI with numpy and this agent, and a
 * migrated database to copy. Built once, kept in .tools/.
 */
export function setupAirflow() {
  const marker = join(airflowVenv, '.sonde-installed');
  if (!existsSync(marker) || statSync(join(pythonAgentDir, 'pyproject.toml')).mtimeMs > statSync(marker).mtimeMs) {
    process.stderr.write(`setup: creating the Airflow demo's environment in .tools/airflow (PyPI: apache-airflow ${AIRFLOW_VERSION}, numpy; about a minute, once)\n`);
    rmSync(airflowVenv, { recursive: true, force: true });
    run(process.env.PYTHON ?? 'python3', ['-m', 'venv', airflowVenv], 'creating the Airflow environment');
    run(join(airflowVenv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `apache-airflow==${AIRFLOW_VERSION}`, 'numpy', '-e', pythonAgentDir], 'installing Airflow');
    writeFileSync(marker, new Date().toISOString());
    rmSync(airflowHomeTemplate, { recursive: true, force: true });
  }
  if (!existsSync(join(airflowHomeTemplate, 'airflow.db'))) {
    mkdirSync(airflowHomeTemplate, { recursive: true });
    const r = spawnSync(airflowBin, ['db', 'migrate'], { cwd: root, env: { ...process.env, AIRFLOW_HOME: airflowHomeTemplate, AIRFLOW__CORE__LOAD_EXAMPLES: 'False' }, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`migrating the Airflow template database: "airflow db migrate" failed (exit ${r.status ?? r.signal})`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setupPython();
  if (process.argv.includes('--airflow')) setupAirflow();
}
