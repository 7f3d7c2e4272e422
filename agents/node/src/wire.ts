// The agent's translations between the probe engine's vocabulary and the
// wire protocol: actions into specs, engine states into ActionStates.

import { SONDE_VERSION, sonde } from '@sonde/protocol';
import { wellFormed, type AnySpec, type EditorLineText, type LineMatch, type PolicySettings, type ProbeSpec, type ProbeState, type ProbeStateKind, type ReasonCode, type SnapshotEvent, type SnapshotVariable } from './probes/index.js';

const { ActionKind, ActionStateKind, ReasonCode: Code } = sonde.v1;

/** How refusals name this agent. */
export const AGENT_NAME = `the Node.js agent ${SONDE_VERSION}`;

/** Action kinds the engine has a module for; any other goes in under its label, and the engine refuses it. */
const KIND: Partial<Record<sonde.v1.ActionKind, ProbeSpec['kind']>> = {
  [ActionKind.ACTION_KIND_LOG]: 'log',
  [ActionKind.ACTION_KIND_COUNTER]: 'counter',
  [ActionKind.ACTION_KIND_METRIC]: 'metric',
  [ActionKind.ACTION_KIND_SNAPSHOT]: 'snapshot',
  [ActionKind.ACTION_KIND_TICTOC]: 'tictoc',
};

const STATE_KIND: Record<ProbeStateKind, sonde.v1.ActionStateKind> = {
  active: ActionStateKind.ACTION_STATE_KIND_ACTIVE,
  pending: ActionStateKind.ACTION_STATE_KIND_PENDING,
  error: ActionStateKind.ACTION_STATE_KIND_ERROR,
  paused: ActionStateKind.ACTION_STATE_KIND_PAUSED_QUOTA,
  'hit-limit': ActionStateKind.ACTION_STATE_KIND_HIT_LIMIT_REACHED,
};

const REASON_CODE: Record<ReasonCode, sonde.v1.ReasonCode> = {
  installed: Code.REASON_CODE_INSTALLED,
  'installed-fallback': Code.REASON_CODE_INSTALLED_FALLBACK,
  'file-not-loaded': Code.REASON_CODE_FILE_NOT_LOADED,
  'file-not-found': Code.REASON_CODE_FILE_NOT_FOUND,
  'ambiguous-path': Code.REASON_CODE_AMBIGUOUS_PATH,
  'invalid-expression': Code.REASON_CODE_INVALID_EXPRESSION,
  'unsafe-expression': Code.REASON_CODE_UNSAFE_EXPRESSION,
  'no-code-at-line': Code.REASON_CODE_NO_CODE_AT_LINE,
  'line-out-of-range': Code.REASON_CODE_LINE_OUT_OF_RANGE,
  'runtime-refused': Code.REASON_CODE_RUNTIME_REFUSED,
  quota: Code.REASON_CODE_QUOTA,
  blocked: Code.REASON_CODE_BLOCKED,
  'code-differs': Code.REASON_CODE_CODE_DIFFERS,
  'unsupported-kind': Code.REASON_CODE_UNSUPPORTED_KIND,
  'invalid-action': Code.REASON_CODE_INVALID_ACTION,
  'agent-unavailable': Code.REASON_CODE_AGENT_UNAVAILABLE,
  'probe-limit': Code.REASON_CODE_PROBE_LIMIT,
  'hit-limit': Code.REASON_CODE_HIT_LIMIT,
  'internal-error': Code.REASON_CODE_INTERNAL_ERROR,
};

/** The editor's line and its context, when an action or a file query carries them (proto3 cannot tell an empty line from none: context says there was a document). */
export function editorLineOf(a: Pick<sonde.v1.IAction, 'lineText' | 'linesBefore' | 'linesAfter'>): { editorLine?: EditorLineText } {
  const before = a.linesBefore ?? [];
  const after = a.linesAfter ?? [];
  if (!a.lineText && before.length === 0 && after.length === 0) return {};
  return { editorLine: { text: a.lineText ?? '', before, after } };
}

/** The spec for an action, whatever its kind (the engine refuses the kinds it does not run, with the reason). */
export function toSpec(a: sonde.v1.IAction): AnySpec {
  const base = { id: a.id ?? '', file: a.location?.file ?? '', line: a.location?.line ?? 0, condition: a.condition ?? '', ...editorLineOf(a) };
  const kind = KIND[a.kind ?? ActionKind.ACTION_KIND_UNSPECIFIED];
  if (kind === 'log') return { ...base, kind, format: a.format ?? '' };
  if (kind === 'counter') return { ...base, kind, name: a.metricName ?? '' };
  if (kind === 'snapshot') {
    const l = a.limits ?? {};
    const limits = { depth: l.maxDepth ?? 0, fields: l.maxFields ?? 0, items: l.maxCollectionItems ?? 0, stringLength: l.maxStringLength ?? 0, bytes: l.maxSnapshotBytes ?? 0 };
    return { ...base, kind, expressions: a.expressions ?? [], hitLimit: a.hitLimit ?? 0, limits };
  }
  if (kind === 'metric') return { ...base, kind, expression: a.expressions?.[0] ?? '', name: a.metricName ?? '' };
  if (kind === 'tictoc') {
    const end = a.endLocation;
    // A span across files has no frame to pair its ends in: refused by the kind (endLine -1).
    const endLine = end?.line ? (end.file && end.file !== base.file ? -1 : end.line) : 0;
    return { ...base, kind, endLine, name: a.metricName ?? '' };
  }
  // A kind newer than this agent: refused by the engine, named as the schema names it.
  return { ...base, kind: ActionKind[a.kind ?? 0] ?? `action kind ${String(a.kind)}` };
}

/** The gateway's policy as the engine takes it; a quota's zero fields keep the kind's default. */
export function toPolicySettings(p: sonde.v1.IPolicy): PolicySettings {
  const quotas: Record<string, NonNullable<PolicySettings['quotas']>[string]> = {};
  for (const q of p.quotas ?? []) {
    const kind = KIND[q.kind ?? ActionKind.ACTION_KIND_UNSPECIFIED];
    if (kind === undefined) continue;
    const pick = (v: number | null | undefined) => (v ? v : undefined);
    quotas[kind] = { perProbePerSecond: pick(q.perProbePerSecond), perProbeBurst: pick(q.perProbeBurst), perAgentPerSecond: pick(q.perAgentPerSecond), perAgentBurst: pick(q.perAgentBurst) };
  }
  return { redactNames: p.redactNames ?? [], redactPatterns: p.redactPatterns ?? [], blockedFiles: p.blockedFiles ?? [], blockedFunctions: p.blockedFunctions ?? [], quotas };
}

export function toActionState(s: ProbeState, agentId: string): sonde.v1.IActionState {
  return { actionId: s.actionId, agentId, state: STATE_KIND[s.state], reason: wellFormed(s.reason), reasonCode: REASON_CODE[s.code], timeMs: s.timeMs };
}

function toVariable(v: SnapshotVariable): sonde.v1.IVariable {
  return {
    name: wellFormed(v.name),
    type: wellFormed(v.type),
    value: wellFormed(v.value),
    ...(v.children && v.children.length > 0 ? { children: v.children.map(toVariable) } : {}),
    ...(v.truncated ? { truncated: true, left: v.left ?? 0 } : {}),
  };
}

/** A snapshot as the protocol carries it; lines stay 1-based, paths as the process sees them. */
export function toSnapshot(actionId: string, s: SnapshotEvent): sonde.v1.ISnapshot {
  return {
    actionId,
    timeMs: s.timeMs,
    frames: s.frames.map((f) => ({ function: wellFormed(f.function), location: { file: wellFormed(f.file), line: f.line }, locals: f.locals.map(toVariable) })),
    watches: s.watches.map(toVariable),
    truncated: s.truncated,
  };
}

/** About how many characters a snapshot takes on the wire (frame fitting estimates, never encodes). */
export function snapshotChars(s: sonde.v1.ISnapshot): number {
  const vars = (list: sonde.v1.IVariable[] | null | undefined): number =>
    (list ?? []).reduce((n, v) => n + 16 + (v.name?.length ?? 0) + (v.type?.length ?? 0) + (v.value?.length ?? 0) + vars(v.children), 0);
  return (s.frames ?? []).reduce((n, f) => n + 32 + (f.function?.length ?? 0) + (f.location?.file?.length ?? 0) + vars(f.locals), 0) + vars(s.watches);
}

/** How the running file compares with the editor's, as the file query's answer says it. */
export const LINE_MATCH: Record<LineMatch, sonde.v1.LineMatch> = {
  unknown: sonde.v1.LineMatch.LINE_MATCH_UNKNOWN,
  same: sonde.v1.LineMatch.LINE_MATCH_SAME,
  moved: sonde.v1.LineMatch.LINE_MATCH_MOVED,
  differs: sonde.v1.LineMatch.LINE_MATCH_DIFFERS,
};
