// How an action reads to a person, shared by lenses, diagnostics, messages
// and notifications: `log "name={name}"`, `· 3 hits`, `· error: <reason>`.
import { sonde, enumLabel } from '@sonde/protocol';
import { summarise, type MirroredAction } from '../action-mirror.js';
import type { StateLabel } from '../lsp-protocol.js';

const Kind = sonde.v1.ActionStateKind;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function kindLabel(action: sonde.v1.IAction): string {
  return enumLabel(sonde.v1.ActionKind, action.kind);
}

/** `log "name={name}" if n > 3`, `metric "cart.total"`, `snapshot`. */
export function describeAction(action: sonde.v1.IAction, maxText = 60): string {
  const kind = sonde.v1.ActionKind;
  let what: string | undefined;
  if (action.kind === kind.ACTION_KIND_LOG) what = action.format ?? '';
  else if (action.kind === kind.ACTION_KIND_METRIC) what = action.expressions?.[0] ?? action.metricName ?? '';
  else if (action.kind === kind.ACTION_KIND_COUNTER || action.kind === kind.ACTION_KIND_TICTOC) what = action.metricName || undefined;
  let text = kindLabel(action);
  if (what !== undefined) text += ` "${truncate(what, maxText)}"`;
  if (action.condition) text += ` if ${truncate(action.condition, maxText)}`;
  return text;
}

export function hitsText(hits: number): string {
  return `${hits} ${hits === 1 ? 'hit' : 'hits'}`;
}

export function stateLabel(state: sonde.v1.ActionStateKind | undefined): StateLabel {
  if (state === undefined || state === Kind.ACTION_STATE_KIND_UNSPECIFIED) return 'unknown';
  return enumLabel(Kind, state) as StateLabel;
}

/** The state part of a lens, empty while every agent reports the action active. */
export function stateText(entry: MirroredAction, maxReason = 80): string {
  const s = summarise(entry);
  if (s.state === undefined) return 'waiting for agents';
  if (s.state === Kind.ACTION_STATE_KIND_ACTIVE) return '';
  const words: Partial<Record<sonde.v1.ActionStateKind, string>> = {
    [Kind.ACTION_STATE_KIND_PENDING]: 'pending',
    [Kind.ACTION_STATE_KIND_ERROR]: 'error',
    [Kind.ACTION_STATE_KIND_PAUSED_QUOTA]: 'paused',
    [Kind.ACTION_STATE_KIND_EXPIRED]: 'expired',
    [Kind.ACTION_STATE_KIND_HIT_LIMIT_REACHED]: 'hit limit reached',
  };
  let text = words[s.state] ?? stateLabel(s.state);
  if (s.agentsInState < s.agentsReporting) text += ` on ${s.agentsInState} of ${s.agentsReporting} agents`;
  const showReason = s.state === Kind.ACTION_STATE_KIND_ERROR || s.state === Kind.ACTION_STATE_KIND_PAUSED_QUOTA;
  if (showReason && s.reason) text += `: ${truncate(s.reason, maxReason)}`;
  return text;
}
