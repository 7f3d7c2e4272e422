// What the server is told at initialization: the gateway's URL and the
// workspace's target, from initializationOptions or the environment.
import type { InitializationOptions, TargetConfig } from './lsp-protocol.js';

export interface Settings {
  /** The gateway's base URL, if any was given. */
  gatewayUrl: string | undefined;
  /** Raw target config from initializationOptions (checked by loadTarget). */
  target: TargetConfig | undefined;
  /** What was wrong with initializationOptions, to show the user. */
  problems: string[];
}

export function readSettings(initializationOptions: unknown, env: NodeJS.ProcessEnv): Settings {
  const problems: string[] = [];
  let options: InitializationOptions = {};
  if (initializationOptions !== undefined && initializationOptions !== null) {
    if (typeof initializationOptions === 'object' && !Array.isArray(initializationOptions)) options = initializationOptions as InitializationOptions;
    else problems.push('initializationOptions must be an object like {"gatewayUrl": "http://127.0.0.1:8790"}; ignored');
  }
  let gatewayUrl: string | undefined;
  if (options.gatewayUrl !== undefined) {
    if (typeof options.gatewayUrl === 'string' && options.gatewayUrl.trim() !== '') gatewayUrl = options.gatewayUrl.trim();
    else problems.push('initializationOptions.gatewayUrl must be a non-empty string; using SONDE_GATEWAY_URL instead');
  }
  gatewayUrl ??= env.SONDE_GATEWAY_URL?.trim() || undefined;
  return { gatewayUrl, target: options.target, problems };
}
