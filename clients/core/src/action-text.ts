// How an action reads to a person, shared by every client (lenses,
// diagnostics, messages, notifications, the command line):
// `log "name={name}"`, `· 3 hits`, `· error: <reason>`. What differs by
// action kind is decided here, in one table, so a new kind is one entry.
import { sonde, enumLabel } from '@sonde/protocol';
import { summarise, type MirroredAction } from './action-mirror.js';

const Kind = sonde.v1.ActionStateKind;
const ActionKind = sonde.v1.ActionKind;

/** An action's state label: the protocol's ActionStateKind without its prefix, lower-case, or `unknown` before any agent reported. */
export type StateLabel = 'active' | 'pending' | 'error' | 'paused_quota' | 'expired' | 'hit_limit_reached' | 'removed' | 'unknown';

/** What each action kind says about itself. */
interface KindText {
  /** The quoted part of its description (`log "name={name}"`), when the kind has one. */
  subject(action: sonde.v1.IAction): string | undefined;
  /** The `format` a client is told (sonde/actionState); by default the description. */
  format?(action: sonde.v1.IAction): string;
}

const kindTexts: Partial<Record<sonde.v1.ActionKind, KindText>> = {
  [ActionKind.ACTION_KIND_LOG]: { subject: (a) => a.format ?? '', format: (a) => a.format ?? '' },
  [ActionKind.ACTION_KIND_SNAPSHOT]: { subject: () => undefined },
  [ActionKind.ACTION_KIND_COUNTER]: { subject: (a) => a.metricName || undefined },
  [ActionKind.ACTION_KIND_TICTOC]: { subject: (a) => a.metricName || undefined },
  [ActionKind.ACTION_KIND_METRIC]: { subject: (a) => a.expressions?.[0] ?? a.metricName ?? '' },
};

function textOf(action: sonde.v1.IAction): KindText {
  return kindTexts[action.kind ?? ActionKind.ACTION_KIND_UNSPECIFIED] ?? { subject: () => undefined };
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The protocol's label of the kind (`log`, `snapshot`, …), as notifications carry it. */
export function kindLabel(action: sonde.v1.IAction): string {
  return enumLabel(ActionKind, action.kind);
}

/** The short word for the kind in titles such as "Sonde: remove log": its label. */
export const kindWord = kindLabel;

/** `log "name={name}" if n > 3`, `metric "cart.total"`, `snapshot`. */
export function describeAction(action: sonde.v1.IAction, maxText = 60): string {
  const what = textOf(action).subject(action);
  let text = kindLabel(action);
  if (what !== undefined) text += ` "${truncate(what, maxText)}"`;
  if (action.condition) text += ` if ${truncate(action.condition, maxText)}`;
  return text;
}

/** The `format` of sonde/actionState: a log's own format, the description for other kinds. */
export function stateFormat(action: sonde.v1.IAction): string {
  const text = textOf(action);
  return text.format ? text.format(action) : describeAction(action);
}

export function hitsText(hits: number): string {
  return `${hits.toLocaleString('en-US')} ${hits === 1 ? 'hit' : 'hits'}`;
}

const figure = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/**
 * A counter's or metric's live figures, for a lens: `40/s` (hits a second
 * over the agents' latest intervals), `p50 42 · max 97` (a metric's latest
 * interval; with several agents, the one that reported last, `on 1 of 3
 * agents`); empty for other kinds and before any interval came.
 */
export function figuresText(entry: Pick<MirroredAction, 'action' | 'metrics'>): string[] {
  const samples = [...entry.metrics.values()];
  if (samples.length === 0) return [];
  const kind = entry.action.kind;
  if (kind === ActionKind.ACTION_KIND_COUNTER) {
    const perSecond = samples.reduce((sum, m) => sum + (m.endMs > m.startMs ? (m.count * 1000) / (m.endMs - m.startMs) : 0), 0);
    return [`${figure.format(perSecond)}/s`];
  }
  if (kind !== ActionKind.ACTION_KIND_METRIC && kind !== ActionKind.ACTION_KIND_TICTOC) return [];
  const latest = samples.reduce((a, b) => (b.endMs > a.endMs ? b : a));
  if (latest.count === 0) return ['no values in the last interval'];
  const unit = kind === ActionKind.ACTION_KIND_TICTOC ? ' ms' : '';
  const parts = [`p50 ${figure.format(latest.p50)}${unit}`, kind === ActionKind.ACTION_KIND_TICTOC ? `p99 ${figure.format(latest.p99)}${unit}` : `max ${figure.format(latest.max)}`];
  if (samples.length > 1) parts.push(`on 1 of ${samples.length} agents`);
  return parts;
}

/**
 * What a hit costs its host, for a lens (`90 ns/hit`), once the agent has
 * measured warm hits; `+ breakpoint` when some agent serves the probe with a
 * breakpoint, whose pause V8 adds on top (tens of µs or more).
 */
export function costText(entry: Pick<MirroredAction, 'costNsPerHit' | 'states'>): string[] {
  const ns = entry.costNsPerHit;
  if (!(ns > 0)) return [];
  const amount = ns < 1000 ? `${figure.format(ns)} ns` : ns < 1e6 ? `${figure.format(ns / 1000)} µs` : `${figure.format(ns / 1e6)} ms`;
  const onBreakpoint = [...entry.states.values()].some((s) => s.reasonCode === sonde.v1.ReasonCode.REASON_CODE_INSTALLED_FALLBACK);
  return [`${amount}/hit${onBreakpoint ? ' + breakpoint' : ''}`];
}

export function stateLabel(state: sonde.v1.ActionStateKind | undefined): StateLabel {
  if (state === undefined || state === Kind.ACTION_STATE_KIND_UNSPECIFIED) return 'unknown';
  return enumLabel(Kind, state) as StateLabel;
}

/** A reason code's label (`file_not_found`, …); `unspecified` when the agent sent none. */
export function reasonCodeLabel(code: sonde.v1.ReasonCode | undefined): string {
  return enumLabel(sonde.v1.ReasonCode, code);
}

/** Who is gone, for `waiting for agents: …`: the agent by name when one, else how many. */
function disconnectedText(agents: readonly string[]): string {
  return agents.length === 1 ? `${truncate(agents[0]!, 40)} disconnected` : `${agents.length} agents disconnected`;
}

/**
 * The state part of a lens, empty while every agent reports the action
 * active. Before any agent reported: `waiting for agents`; once every agent
 * that held it disconnected, the same with who left, so that an action that
 * fires nowhere now does not read like one about to start.
 */
export function stateText(entry: MirroredAction, maxReason = 80): string {
  const s = summarise(entry);
  if (s.state === undefined) return entry.disconnected.length > 0 ? `waiting for agents: ${disconnectedText(entry.disconnected)}` : 'waiting for agents';
  // An agent whose running file differs placed it elsewhere: the lens says where (the agent's reason starts with it).
  if (s.state === Kind.ACTION_STATE_KIND_ACTIVE) return /^placed at running line \d+ \(your line \d+\)[^;]*/.exec(s.reason ?? '')?.[0] ?? '';
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

/**
 * What an action lost, for a lens: `12 lost`, `250 held back by the rate
 * limit`; empty when nothing was (clients show nothing then).
 */
export function lossText(entry: Pick<MirroredAction, 'dropped' | 'suppressed'>): string[] {
  const parts: string[] = [];
  if (entry.dropped > 0) parts.push(`${entry.dropped} lost`);
  if (entry.suppressed > 0) parts.push(`${entry.suppressed} held back by the rate limit`);
  return parts;
}

/** The same in words, for a hover or a message; empty when nothing was lost. */
export function lossSentence(entry: Pick<MirroredAction, 'dropped' | 'suppressed'>): string {
  const parts: string[] = [];
  if (entry.dropped > 0) {
    parts.push(`${entry.dropped} ${entry.dropped === 1 ? 'event was' : 'events were'} lost before reaching the gateway (an agent's buffer was full while the gateway was away)`);
  }
  if (entry.suppressed > 0) {
    parts.push(`${entry.suppressed} ${entry.suppressed === 1 ? 'hit was' : 'hits were'} not reported: an agent's rate limit held ${entry.suppressed === 1 ? 'it' : 'them'} back`);
  }
  return parts.length ? `${parts.join('; ')}.` : '';
}

/** What a client says when the gateway removed an action because its time was up. */
export function expiredText(entry: MirroredAction): string {
  return `${describeAction(entry.action)} at ${entry.file}:${entry.line} expired after ${hitsText(entry.hits)} and the gateway removed it; add it again to keep it`;
}
