// The probe engine: installs probes in this process through node:inspector.
// Self-contained; the agent's connection layer maps these types to the protocol.

export { ProbeEngine } from './engine.js';
export type {
  AnySpec,
  FileQueryAnswer,
  HitCounter,
  LogEvent,
  LogProbeSpec,
  CounterProbeSpec,
  MetricEvent,
  MetricProbeSpec,
  SnapshotEvent,
  SnapshotFrame,
  SnapshotProbeSpec,
  SnapshotVariable,
  TicTocProbeSpec,
  EditorLineText,
  ProbeEngineOptions,
  ProbeEvent,
  ProbeSink,
  ProbeSpec,
  ProbeSpecBase,
  ProbeState,
  ProbeStateKind,
  ReasonCode,
} from './types.js';
export { matchPath, findOnDisk, urlToPath, type MatchResult } from './path-match.js';
export { PAUSED_REASON, type QuotaOptions } from './quota.js';
export { cutAt, wellFormed } from './text-limits.js';
export type { HotPatchMode } from './live-edit-policy.js';
export { AgentPolicy, type PolicySettings } from './policy.js';
export { DEFAULT_BUDGETS, type BudgetSettings } from './quota.js';
export { checkPattern, DEFAULT_NAMES, REDACTED, Redaction } from './redaction.js';
export type { EditorComparison, LineMatch } from './editor-match.js';
