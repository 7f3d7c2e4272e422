// What Sonde adds to LSP: its commands and their arguments, its notifications,
// and its initialization options. Editor clients (Neovim plugin, Emacs client,
// tests) rely on these shapes; change them additively only.
import { NotificationType } from 'vscode-languageserver';
import type { CapturedSnapshot, StateLabel } from '@sonde/client-core';

export type { StateLabel };

export const Commands = {
  addLog: 'sonde.addLog',
  addCounter: 'sonde.addCounter',
  addMetric: 'sonde.addMetric',
  addTicToc: 'sonde.addTicToc',
  addSnapshot: 'sonde.addSnapshot',
  removeLog: 'sonde.removeLog',
  /** What a lens runs when clicked: shows the action's details. */
  showAction: 'sonde.showAction',
  /** A snapshot action's latest captured trees, whole. */
  showSnapshot: 'sonde.showSnapshot',
  /** Signs in to the gateway's identity provider (device flow). */
  login: 'sonde.login',
  logout: 'sonde.logout',
} as const;

/** What `sonde.login` answers at once; `signed in as …` follows in a window/showMessage when the person approves. */
export interface LoginResult {
  /** False when the gateway checks no identity. */
  required: boolean;
  userCode?: string;
  verificationUri?: string;
  verificationUriComplete?: string;
}

export interface LogoutResult {
  signedOut: boolean;
}

export const allCommands: string[] = Object.values(Commands);

/**
 * Arguments of `sonde.addLog` (one object, the command's first argument).
 * `line` is LSP's 0-based line, as in the code action's own arguments; the
 * server converts it to the protocol's 1-based line. Without `format`, the
 * server uses the default format of that line (the identifiers it reads).
 */
export interface AddLogArgs {
  uri: string;
  line: number;
  format?: string;
  condition?: string;
}

export interface AddLogResult {
  actionId: string;
  format: string;
  /** The path the action carries (relative to the workspace root). */
  file: string;
  /** 0-based, like the argument. */
  line: number;
}

/** Arguments of `sonde.addCounter`: hits of a 0-based line where the condition holds; `name` defaults to file:line. */
export interface AddCounterArgs {
  uri: string;
  line: number;
  condition?: string;
  name?: string;
}

/** Arguments of `sonde.addMetric`: a numeric expression read at a 0-based line; `name` defaults to the expression. */
export interface AddMetricArgs {
  uri: string;
  line: number;
  expression: string;
  condition?: string;
  name?: string;
}

/**
 * Arguments of `sonde.addTicToc`: the time from a 0-based line to `endLine`
 * (0-based, later, same file), or without it of each call of the function
 * that starts at `line`; `name` defaults to file:line-endLine or file:line (function).
 */
export interface AddTicTocArgs {
  uri: string;
  line: number;
  endLine?: number;
  condition?: string;
  name?: string;
}

/**
 * Arguments of `sonde.addSnapshot`: at a 0-based line, the stack and the
 * variables the line sees plus each watch expression; `hitLimit` snapshots
 * (default 1).
 */
export interface AddSnapshotArgs {
  uri: string;
  line: number;
  condition?: string;
  expressions?: string[];
  hitLimit?: number;
}

/** What `sonde.showSnapshot {actionId}` answers: each agent's latest snapshot, newest first, and the same as text. */
export interface ShowSnapshotResult {
  actionId: string;
  snapshots: CapturedSnapshot[];
  text: string;
}

/** What `sonde.addCounter`, `sonde.addMetric`, `sonde.addTicToc` and `sonde.addSnapshot` answer. */
export interface AddActionResult {
  actionId: string;
  file: string;
  /** 0-based, like the argument. */
  line: number;
}

/** Arguments of `sonde.removeLog`: an action id, or a place (0-based line) whose log actions all go. */
export type RemoveLogArgs = { actionId: string } | { uri: string; line: number };

export interface RemoveLogResult {
  removed: string[];
}

export interface ShowActionArgs {
  actionId: string;
}

export interface ShowActionResult {
  actionId: string;
  /** What was also shown with window/showMessage. */
  text: string;
}

export interface AgentStateParams {
  agentId: string;
  state: StateLabel;
  reason?: string;
  /** The reason as a code: the protocol's ReasonCode without its prefix, lower-case (`file_not_found`, `quota`, …); absent when the agent sent none. */
  reasonCode?: string;
}

/** `sonde/log`: one log line from an agent. */
export interface SondeLogParams {
  actionId: string;
  agentId: string;
  /** Milliseconds since the epoch, and the same as ISO 8601. */
  timeMs: number;
  time: string;
  text: string;
  level: 'debug' | 'info' | 'warn' | 'error' | 'unspecified';
  /** Where the action sits, when the server knows the action (0-based line). */
  uri?: string;
  line?: number;
}

/**
 * `sonde/actionState`: an action's state or hit count changed (or it was
 * removed: `state` is `removed`), so that clients without lens refresh know
 * when to ask for lenses again.
 */
export interface SondeActionStateParams {
  actionId: string;
  uri: string;
  /** 0-based. */
  line: number;
  kind: string;
  format: string;
  /** The agents' summary, or the gateway's own word (`expired`, just before it removes the action); `unknown` while no agent reports one. */
  state: StateLabel;
  /** Why: the leading agent state's reason; on a removal, `expired` when the action expired rather than being removed by someone. */
  reason?: string;
  /** The code of the agent state `reason` comes from (see AgentStateParams.reasonCode); absent when it has none. */
  reasonCode?: string;
  hits: number;
  /** Events of this action lost before they left an agent (buffer full while the gateway was away), summed over agents; present only when above 0. */
  dropped?: number;
  /** Hits whose event an agent's rate limit held back, summed over agents; present only when above 0. */
  suppressed?: number;
  /** One per agent that reported; the gateway's own state is not an agent's and is not listed. */
  agents: AgentStateParams[];
}

/** `data` of each Sonde diagnostic (`code` is `action-error` or `action-paused`). */
export interface SondeDiagnosticData {
  actionId: string;
  agentId: string;
  /** The agent's ReasonCode label, e.g. `file_not_found`; `unspecified` when it sent none. */
  reasonCode: string;
}

export const SondeLogNotification = new NotificationType<SondeLogParams>('sonde/log');
export const SondeActionStateNotification = new NotificationType<SondeActionStateParams>('sonde/actionState');

/** Which agents actions target; every given field must match. Also the shape of `.sonde.json`'s `target`. */
export interface TargetConfig {
  appName?: string;
  tags?: string[];
  agentIds?: string[];
}

/** `initializationOptions` the server reads. */
export interface InitializationOptions {
  /** The gateway's base URL; falls back to SONDE_GATEWAY_URL. */
  gatewayUrl?: string;
  target?: TargetConfig;
}
