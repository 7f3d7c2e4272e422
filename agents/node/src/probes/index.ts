// The probe engine: installs log probes in this process through node:inspector.
// Self-contained; the agent's connection layer maps these types to the protocol.

export { ProbeManager } from './probe-manager.js';
export type { FileQueryAnswer, ProbeManagerOptions, ProbeSink, ProbeSpec, ProbeStateKind } from './types.js';
export { matchPath, findOnDisk, urlToPath, type MatchResult } from './path-match.js';
export { PAUSED_REASON, type QuotaOptions } from './quota.js';
