// What every command shares: its dependencies, and failing twice on purpose:
// the request is rejected (for the client that ran it) and the reason is
// shown with window/showMessage (for the person, since many editors drop a
// failed command's error quietly).
import { LSPErrorCodes, MessageType, ResponseError } from 'vscode-languageserver';
import type { sonde } from '@sonde/protocol';
import { GatewayRequestError, type ActionInfo, type ActionMirror, type MirrorChange, type SnapshotStore } from '@sonde/client-core';
import type { LineSource } from '../document-lines.js';
import type { Workspace } from '../workspace.js';
import type { Login } from '../login.js';

/** The part of the gateway client the commands use. */
export interface ActionGateway {
  addAction(action: sonde.v1.IAction): Promise<ActionInfo>;
  removeAction(actionId: string): Promise<void>;
}

export interface CommandDeps {
  mirror: ActionMirror;
  /** Each snapshot action's latest captured trees (sonde.showSnapshot). */
  snapshots: SnapshotStore;
  workspace: Workspace;
  lines: LineSource;
  target: sonde.v1.ITarget | undefined;
  /** Undefined when no gateway URL was given; `noGatewayReason` says what to do. */
  gateway: ActionGateway | undefined;
  noGatewayReason: string;
  /** The mirror changed: lenses, diagnostics and notifications follow. */
  changed(changes: MirrorChange[]): void;
  showMessage(type: MessageType, message: string): void;
  /** Signing in to the gateway's identity provider; undefined without a gateway. */
  login?: Pick<Login, 'start' | 'logout'>;
}

export interface FailureData {
  /** The gateway's error code label (`not_found`, …) when the gateway refused. */
  gatewayCode?: string;
}

export function fail(deps: CommandDeps, code: number, message: string, data?: FailureData): ResponseError<FailureData | undefined> {
  deps.showMessage(MessageType.Error, message);
  return new ResponseError(code, message, data);
}

/** A failed gateway request, with the gateway's own words and code when it refused. */
export function gatewayFailure(deps: CommandDeps, what: string, err: unknown): ResponseError<FailureData | undefined> {
  if (err instanceof GatewayRequestError) {
    return fail(deps, LSPErrorCodes.RequestFailed, `${what}: ${err.gatewayMessage || err.message}`, { gatewayCode: err.codeLabel });
  }
  return fail(deps, LSPErrorCodes.RequestFailed, `${what}: ${err instanceof Error ? err.message : String(err)}`);
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** An LSP line: a non-negative integer. */
export function isLine(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
