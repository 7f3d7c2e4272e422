// Builders for the protocol messages that tests of clients feed the mirror
// (here, in the language server, in later clients). For tests only.
import { sonde } from '@sonde/protocol';

export const Kind = sonde.v1.ActionStateKind;

/** What an action lost, as ActionInfo and HitCount carry it. */
export interface Loss {
  dropped?: number;
  suppressed?: number;
}

export function logInfo(
  id: string,
  file: string,
  line: number,
  format: string,
  opts: { hits?: number; states?: sonde.v1.IActionState[]; condition?: string } & Loss = {},
): sonde.v1.IActionInfo {
  return {
    action: { id, kind: sonde.v1.ActionKind.ACTION_KIND_LOG, location: { file, line }, format, condition: opts.condition ?? '' },
    states: opts.states ?? [],
    totalHits: opts.hits ?? 0,
    ...(opts.dropped !== undefined ? { totalDropped: opts.dropped } : {}),
    ...(opts.suppressed !== undefined ? { totalSuppressed: opts.suppressed } : {}),
  };
}

export function state(actionId: string, agentId: string, kind: sonde.v1.ActionStateKind, reason = '', reasonCode?: sonde.v1.ReasonCode): sonde.v1.IActionState {
  return { actionId, agentId, state: kind, reason, timeMs: 1, ...(reasonCode !== undefined ? { reasonCode } : {}) };
}

export function hits(actionId: string, count: number, agentId = '', loss: Loss = {}): sonde.v1.IEvent {
  return { hits: { actionId, agentId, hits: count, ...loss } };
}

export function stateEvent(actionId: string, agentId: string, kind: sonde.v1.ActionStateKind, reason = '', reasonCode?: sonde.v1.ReasonCode): sonde.v1.IEvent {
  return { state: state(actionId, agentId, kind, reason, reasonCode) };
}

export function logEvent(actionId: string, agentId: string, text: string, timeMs = Date.UTC(2025, 0, 2, 3, 4, 5)): sonde.v1.IEvent {
  return { log: { actionId, agentId, text, timeMs, level: sonde.v1.LogLevel.LOG_LEVEL_INFO } };
}

/** A snapshot action at a place, as the gateway lists it. */
export function snapshotInfo(id: string, file: string, line: number, opts: { hits?: number; states?: sonde.v1.IActionState[] } = {}): sonde.v1.IActionInfo {
  return { action: { id, kind: sonde.v1.ActionKind.ACTION_KIND_SNAPSHOT, location: { file, line }, hitLimit: 1 }, states: opts.states ?? [], totalHits: opts.hits ?? 0 };
}

/** A snapshot event: one frame with `locals`, and `watches`. */
export function snapshotEvent(actionId: string, agentId: string, locals: sonde.v1.IVariable[], opts: { timeMs?: number; watches?: sonde.v1.IVariable[]; file?: string; line?: number } = {}): sonde.v1.IEvent {
  return {
    snapshot: {
      actionId,
      agentId,
      timeMs: opts.timeMs ?? Date.UTC(2025, 0, 2, 3, 4, 5),
      frames: [{ function: 'greet', location: { file: opts.file ?? 'src/server.js', line: opts.line ?? 12 }, locals }],
      watches: opts.watches ?? [],
    },
  };
}
