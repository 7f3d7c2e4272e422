// The engine's public vocabulary. Nothing here knows about the wire protocol:
// the agent's connection layer translates these into protocol messages.

import type { HotPatchMode } from './live-edit-policy.js';
import type { QuotaOptions } from './quota.js';

/** What every probe has, whatever its kind: the engine's kind-agnostic parts use only this. */
export interface ProbeSpecBase {
  /** The action id the gateway assigned. */
  id: string;
  /** Which kind of probe; picks the module in probes/kinds/. */
  kind: string;
  /** Path relative to the user's workspace, forward slashes, e.g. "src/app.ts". */
  file: string;
  /** 1-based line. */
  line: number;
  /** JavaScript condition; empty means always. */
  condition: string;
  /** The line as the editor has it, with a little context: a running file that differs is searched for it (line-match.ts). */
  editorLine?: EditorLineText;
}

/** The text of the editor's line and the lines just before and after it, in file order. */
export interface EditorLineText {
  text: string;
  before: string[];
  after: string[];
}

/** A log probe: prints a line per hit. */
export interface LogProbeSpec extends ProbeSpecBase {
  kind: 'log';
  /** Log format, e.g. "Hello {name}, cart {cart.items.length}"; {{ and }} are literal braces. */
  format: string;
}

/** A counter: hits of the line (where the condition holds), counted per interval. */
export interface CounterProbeSpec extends ProbeSpecBase {
  kind: 'counter';
  /** What the samples are called; default the file and line. */
  name: string;
}

/** A metric: a numeric expression at the line, aggregated per interval (count, sum, min, max, quantiles). */
export interface MetricProbeSpec extends ProbeSpecBase {
  kind: 'metric';
  expression: string;
  /** What the samples are called; default the expression. */
  name: string;
}

/**
 * A tic-toc: the time from `line` to `endLine` of the same file, or, with
 * endLine 0, of the whole function that starts on `line` (every return,
 * await and throw included), aggregated per interval like a metric, in ms.
 */
export interface TicTocProbeSpec extends ProbeSpecBase {
  kind: 'tictoc';
  /** Where the span ends; 0 for the function form. */
  endLine: number;
  /** What the samples are called; default the file and lines. */
  name: string;
}

/** What a snapshot reads, at most; zero or absent fields take the defaults (depth 3, 20 fields, 100 items, 255 characters, 32 KiB). */
export interface SnapshotLimits {
  depth?: number;
  fields?: number;
  items?: number;
  stringLength?: number;
  bytes?: number;
}

/** A snapshot: the stack and the top frame's visible variables at a hit, plus watch expressions, without pausing. */
export interface SnapshotProbeSpec extends ProbeSpecBase {
  kind: 'snapshot';
  /** Watch expressions, read like a log's values. */
  expressions: string[];
  /** Snapshots taken before the probe stops (its state then says so); 0 means the default, 1. */
  hitLimit: number;
  limits: SnapshotLimits;
}

/** The probes this engine runs, one member per module in probes/kinds/. */
export type ProbeSpec = LogProbeSpec | CounterProbeSpec | MetricProbeSpec | SnapshotProbeSpec | TicTocProbeSpec;

/** What upsert accepts: a probe, or an action of a kind this engine does not run (refused as 'unsupported-kind'). */
export type AnySpec = ProbeSpec | ProbeSpecBase;

export type ProbeStateKind = 'active' | 'pending' | 'error' | 'paused' | 'hit-limit';

/**
 * Why a probe is in its state, as a code beside the readable reason. Mirrors
 * sonde.v1.ReasonCode (protocol/proto/sonde/v1/action.proto) without importing it.
 */
export type ReasonCode =
  | 'installed'
  | 'installed-fallback'
  | 'file-not-loaded'
  | 'file-not-found'
  | 'ambiguous-path'
  | 'invalid-expression'
  | 'unsafe-expression'
  | 'no-code-at-line'
  | 'line-out-of-range'
  | 'runtime-refused'
  | 'quota'
  | 'blocked'
  | 'code-differs'
  | 'unsupported-kind'
  | 'invalid-action'
  | 'agent-unavailable'
  | 'probe-limit'
  | 'hit-limit'
  | 'internal-error';

/** One action's latest state, as the engine holds it until the agent takes it. */
export interface ProbeState {
  actionId: string;
  state: ProbeStateKind;
  /** For 'error', what went wrong and what to do; for 'active', how the probe is installed. */
  reason: string;
  code: ReasonCode;
  timeMs: number;
}

/** What a probe counts, cumulative since it was installed. */
export interface HitCounter extends CostMeter {
  hits: number;
  /** Hits whose event the log quota held back (the probe was paused). */
  suppressed: number;
}

/** What the runtime measured of a probe's own cost, on sampled hits (runtime.ts). */
export interface CostMeter {
  /** Nanoseconds spent in the probe's handler over the sampled hits. */
  costNs: number;
  costSamples: number;
}

/** One log line. */
export interface LogEvent {
  readonly kind: 'log';
  readonly text: string;
  readonly timeMs: number;
}

/** One interval of a counter or a metric, aggregated in the agent. */
export interface MetricEvent {
  readonly kind: 'metric';
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly count: number;
  /** Metric values only (a counter has none): zero when the interval had none. */
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** A captured value: a tree whose every cut is marked. */
export interface SnapshotVariable {
  name: string;
  type: string;
  value: string;
  children?: SnapshotVariable[];
  truncated?: boolean;
  /** How much a cut left out: characters, or fields and items. */
  left?: number;
}

export interface SnapshotFrame {
  function: string;
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  /** The top frame's visible variables (arguments, locals, closure variables, `this`); empty below it. */
  locals: SnapshotVariable[];
}

/** One snapshot. */
export interface SnapshotEvent {
  readonly kind: 'snapshot';
  readonly timeMs: number;
  readonly frames: SnapshotFrame[];
  readonly watches: SnapshotVariable[];
  /** Something was cut: a value, the variables past the field limit, or the byte budget. */
  readonly truncated: boolean;
}

/** What a probe produces, one member per kind of output. */
export type ProbeEvent = LogEvent | MetricEvent | SnapshotEvent;

/** Where the engine reports; implemented by the agent's connection layer. */
export interface ProbeSink {
  /**
   * What a hit produced. Called on the host's own thread, inside the probed
   * function. The object is reused for the probe's next hit (no allocation on
   * the hot path): read what you keep before doing anything else.
   */
  event(actionId: string, event: ProbeEvent): void;
  /**
   * Each state as it is reported. Optional: the engine keeps every action's
   * latest state anyway (takeStates, resendStates).
   */
  state?(actionId: string, state: ProbeStateKind, reason: string, code: ReasonCode): void;
  /** Absolute paths of scripts loaded since the last call; batched, never called during module loading. */
  filesLoaded(paths: string[]): void;
}

/** What this process can say about a workspace-relative path. */
export interface FileQueryAnswer {
  /** The loaded script the path maps to. */
  loadedPath?: string;
  /** Not loaded, but this file exists under the roots. */
  existingPath?: string;
  /** Several files match equally well: the path is ambiguous. */
  candidates?: string[];
  /** The look-up itself failed (a bug in the engine, not an unknown path): its message. */
  internalError?: string;
}

export interface ProbeEngineOptions {
  /** Folders under which the app's files live; default [process.cwd(), dirname(process.argv[1])]. */
  roots?: string[];
  /** Log budgets; over budget a probe reports 'paused' and resumes by itself. */
  quota?: QuotaOptions;
  /**
   * Probes installed at once (default 5,000); past it a spec gets an error
   * with code 'probe-limit' and waits until removals make room.
   */
  maxProbes?: number;
  /** How often counters and metrics send what they aggregated, in ms; default 5,000. */
  metricIntervalMs?: number;
  /** When probes move from breakpoints into the source (live-edit-policy.ts); default 'adaptive'. */
  hotPatch?: HotPatchMode;
  /** Who runs the engine, in refusals of unsupported kinds; default "the Node.js agent". */
  agentName?: string;
  /**
   * Where the engine reports what it caught to protect the host (a failing
   * sink, an internal error during cleanup). Default: stderr, "sonde agent: …".
   */
  log?: (message: string) => void;
}
