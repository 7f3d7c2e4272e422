// Public entry of the Node.js agent: start(options) from code, or
// `node --import @sonde/agent-node/register app.js` with no code change.
import { SONDE_VERSION } from '@sonde/protocol';
import { Agent } from './agent.js';
import { resolveConfig, type AgentOptions } from './config.js';
import { logToStderr as log } from './probes/describe.js';

export type { AgentOptions };
/** This agent's version: the one Sonde version. */
export const AGENT_VERSION = SONDE_VERSION;

export interface AgentHandle {
  agentId: string;
  stop(): void;
}

const STARTED = Symbol.for('sonde.agent.started');
type GlobalWithAgent = typeof globalThis & { [STARTED]?: AgentHandle };


/**
 * Starts the agent once per process; later calls return the same handle.
 * Never throws: a bad configuration is reported on stderr and the agent stays idle.
 */
export function start(options: AgentOptions = {}): AgentHandle | undefined {
  const g = globalThis as GlobalWithAgent;
  if (g[STARTED]) return g[STARTED];
  try {
    const config = resolveConfig(options);
    for (const problem of config.problems) log(problem);
    if (!config.gatewayUrl) {
      log('SONDE_GATEWAY_URL is not set; the agent stays idle (set it to the gateway, e.g. http://127.0.0.1:8790)');
      return undefined;
    }
    if (!/^(http|ws)s?:\/\/[^/]/.test(config.gatewayUrl)) {
      log(`SONDE_GATEWAY_URL "${config.gatewayUrl}" is not an http(s) or ws(s) URL; the agent stays idle`);
      return undefined;
    }
    const agent = new Agent(config, log);
    agent.start();
    const handle: AgentHandle = {
      agentId: config.agentId,
      stop: () => {
        agent.stop();
        delete g[STARTED];
      },
    };
    g[STARTED] = handle;
    return handle;
  } catch (err) {
    log(`failed to start: ${(err as Error).stack ?? err}`);
    return undefined;
  }
}
