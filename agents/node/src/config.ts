// The agent's settings: start(options) wins over the environment, which wins
// over what the agent can find out about the app by itself.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { HOT_PATCH_MODES, type HotPatchMode } from './probes/live-edit-policy.js';

export interface AgentOptions {
  /** Gateway base URL (SONDE_GATEWAY_URL), e.g. http://127.0.0.1:8790. */
  gatewayUrl?: string;
  /** Agent key (SONDE_AGENT_KEY), sent as a bearer credential. */
  agentKey?: string;
  /** Tags such as "production" (SONDE_TAGS, a comma list). */
  tags?: string[];
  /** App name (SONDE_APP_NAME); defaults to the nearest package.json's name. */
  appName?: string;
  appVersion?: string;
  /** This process's agent id (SONDE_AGENT_ID); defaults to host-pid-random. */
  agentId?: string;
  /** Folders under which the app's sources live; defaults to the app's package folder and the working folder. */
  roots?: string[];
  /** Probes installed at once (SONDE_MAX_PROBES, default 5000); past it an action is in error with reason probe-limit. */
  maxProbes?: number;
  /** How often counters and metrics send their figures, in ms (SONDE_METRIC_INTERVAL_MS, default 5000). */
  metricIntervalMs?: number;
  /** When probes move from breakpoints into the source (SONDE_HOT_PATCH: adaptive, at-once or never; default adaptive). */
  hotPatch?: HotPatchMode;
}

export interface AgentConfig {
  gatewayUrl: string;
  agentKey: string;
  tags: string[];
  appName: string;
  appVersion: string;
  agentId: string;
  instanceId: string;
  roots: string[];
  /** Undefined: the engine's default. */
  maxProbes: number | undefined;
  hotPatch: HotPatchMode;
  metricIntervalMs: number | undefined;
  /** What was wrong with the settings and was replaced by a default, to say on stderr. */
  problems: string[];
}

function nearestPackage(from: string): { dir: string; name: string; version: string } | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        return { dir, name: typeof pkg.name === 'string' ? pkg.name : '', version: typeof pkg.version === 'string' ? pkg.version : '' };
      } catch {
        return { dir, name: '', version: '' };
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export function resolveConfig(options: AgentOptions = {}, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const main = process.argv[1] ? resolve(process.argv[1]) : process.cwd();
  const pkg = nearestPackage(dirname(main));
  const tags = options.tags ?? (env.SONDE_TAGS ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const roots = options.roots ?? [...new Set([pkg?.dir ?? dirname(main), process.cwd()])];
  const problems: string[] = [];
  const maxProbes = options.maxProbes ?? positiveInt(env.SONDE_MAX_PROBES);
  if (options.maxProbes === undefined && env.SONDE_MAX_PROBES !== undefined && maxProbes === undefined) {
    problems.push(`SONDE_MAX_PROBES "${env.SONDE_MAX_PROBES.slice(0, 40)}" is not a positive whole number; the default limit applies`);
  }
  const metricIntervalMs = options.metricIntervalMs ?? positiveInt(env.SONDE_METRIC_INTERVAL_MS);
  if (options.metricIntervalMs === undefined && env.SONDE_METRIC_INTERVAL_MS !== undefined && metricIntervalMs === undefined) {
    problems.push(`SONDE_METRIC_INTERVAL_MS "${env.SONDE_METRIC_INTERVAL_MS.slice(0, 40)}" is not a positive whole number; the default interval applies`);
  }
  const hotPatch = options.hotPatch ?? HOT_PATCH_MODES.find((m) => m === env.SONDE_HOT_PATCH) ?? 'adaptive';
  if (options.hotPatch === undefined && env.SONDE_HOT_PATCH !== undefined && hotPatch !== env.SONDE_HOT_PATCH) {
    problems.push(`SONDE_HOT_PATCH "${env.SONDE_HOT_PATCH.slice(0, 40)}" is not one of ${HOT_PATCH_MODES.join(', ')}; adaptive applies`);
  }
  return {
    gatewayUrl: (options.gatewayUrl ?? env.SONDE_GATEWAY_URL ?? '').replace(/\/+$/, ''),
    agentKey: options.agentKey ?? env.SONDE_AGENT_KEY ?? '',
    tags: isMainThread ? tags : [...tags, `thread=${threadId}`],
    appName: options.appName ?? env.SONDE_APP_NAME ?? pkg?.name ?? '',
    appVersion: options.appVersion ?? env.SONDE_APP_VERSION ?? pkg?.version ?? '',
    // A worker thread runs its own agent (workers inherit --import): its own id, named for its thread, even under a SONDE_AGENT_ID.
    agentId: `${options.agentId ?? env.SONDE_AGENT_ID ?? `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`}${isMainThread ? '' : `-thread${threadId}`}`,
    instanceId: randomBytes(8).toString('hex'),
    roots,
    maxProbes,
    hotPatch,
    metricIntervalMs,
    problems,
  };
}

/** A positive whole number from the environment; anything else means the default. */
function positiveInt(text: string | undefined): number | undefined {
  const n = text === undefined || text.trim() === '' ? NaN : Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
