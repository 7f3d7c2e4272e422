// sonde.addLog, sonde.removeLog and sonde.showAction. A command that fails
// does so twice on purpose: the request is rejected (for the client that ran
// it) and the reason is shown with window/showMessage (for the person, since
// many editors drop a failed command's error quietly).
import { ErrorCodes, LSPErrorCodes, MessageType, ResponseError, type ExecuteCommandParams } from 'vscode-languageserver';
import { int64, sonde } from '@sonde/protocol';
import type { ActionMirror, MirrorChange } from '../action-mirror.js';
import type { LineSource } from '../document-lines.js';
import { GatewayRequestError, type ActionInfo } from '../gateway-client.js';
import { Commands, type AddLogArgs, type AddLogResult, type RemoveLogResult } from '../lsp-protocol.js';
import type { Workspace } from '../workspace.js';
import { describeAction, hitsText, stateLabel, stateText } from './action-text.js';
import { defaultFormat } from './default-format.js';

/** The part of the gateway client the commands use. */
export interface ActionGateway {
  addAction(action: sonde.v1.IAction): Promise<ActionInfo>;
  removeAction(actionId: string): Promise<void>;
}

export interface CommandDeps {
  mirror: ActionMirror;
  workspace: Workspace;
  lines: LineSource;
  target: sonde.v1.ITarget | undefined;
  /** Undefined when no gateway URL was given; `noGatewayReason` says what to do. */
  gateway: ActionGateway | undefined;
  noGatewayReason: string;
  /** The mirror changed: lenses, diagnostics and notifications follow. */
  changed(changes: MirrorChange[]): void;
  showMessage(type: MessageType, message: string): void;
}

export interface ShowActionResult {
  actionId: string;
  text: string;
}

interface FailureData {
  /** The gateway's error code label (`not_found`, …) when the gateway refused. */
  gatewayCode?: string;
}

export async function executeCommand(params: ExecuteCommandParams, deps: CommandDeps): Promise<AddLogResult | RemoveLogResult | ShowActionResult> {
  const arg: unknown = params.arguments?.[0];
  switch (params.command) {
    case Commands.addLog:
      return addLog(arg, deps);
    case Commands.removeLog:
      return removeLog(arg, deps);
    case Commands.showAction:
      return showAction(arg, deps);
    default:
      throw fail(deps, ErrorCodes.InvalidRequest, `unknown command ${params.command}; Sonde runs ${Object.values(Commands).join(', ')}`);
  }
}

function fail(deps: CommandDeps, code: number, message: string, data?: FailureData): ResponseError<FailureData | undefined> {
  deps.showMessage(MessageType.Error, message);
  return new ResponseError(code, message, data);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function isLine(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function parseAddLog(arg: unknown): AddLogArgs | string {
  const a = asRecord(arg);
  const usage = `${Commands.addLog} takes one object {uri, line, format?, condition?} where line is 0-based`;
  if (!a) return `${usage}; got ${JSON.stringify(arg) ?? 'nothing'}`;
  if (typeof a.uri !== 'string') return `${usage}; uri is missing or not a string`;
  if (!isLine(a.line)) return `${usage}; line must be a non-negative integer, got ${JSON.stringify(a.line)}`;
  if (a.format !== undefined && a.format !== null && typeof a.format !== 'string') return `${usage}; format must be a string`;
  if (a.condition !== undefined && a.condition !== null && typeof a.condition !== 'string') return `${usage}; condition must be a string`;
  return {
    uri: a.uri,
    line: a.line,
    ...(typeof a.format === 'string' ? { format: a.format } : {}),
    ...(typeof a.condition === 'string' ? { condition: a.condition } : {}),
  };
}

async function addLog(arg: unknown, deps: CommandDeps): Promise<AddLogResult> {
  const args = parseAddLog(arg);
  if (typeof args === 'string') throw fail(deps, ErrorCodes.InvalidParams, args);
  const file = deps.workspace.pathOf(args.uri);
  if (file === undefined) throw fail(deps, ErrorCodes.InvalidParams, `Sonde can only add logs to files; ${args.uri} is not a file: URI`);
  // The edge between LSP (0-based) and the protocol (1-based).
  const line = args.line + 1;
  const where = `${file}:${line}`;
  let format = args.format?.trim() ?? '';
  if (!format) {
    const text = deps.lines.lineAt(args.uri, args.line);
    format = defaultFormat(text?.text ?? '', { file, line, languageId: text?.languageId });
  }
  if (!deps.gateway) throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde could not add a log at ${where}: ${deps.noGatewayReason}`);
  const action: sonde.v1.IAction = {
    kind: sonde.v1.ActionKind.ACTION_KIND_LOG,
    location: { file, line },
    format,
    condition: args.condition?.trim() ?? '',
  };
  if (deps.target) action.target = deps.target;
  let info: ActionInfo;
  try {
    info = await deps.gateway.addAction(action);
  } catch (err) {
    throw gatewayFailure(deps, `Sonde could not add a log at ${where}`, err);
  }
  const id = info.action?.id;
  if (!id) throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde could not add a log at ${where}: the gateway's reply has no action id; is it a Sonde gateway of the same version?`);
  deps.changed(deps.mirror.upsert(info));
  return { actionId: id, format, file, line: args.line };
}

function gatewayFailure(deps: CommandDeps, what: string, err: unknown): ResponseError<FailureData | undefined> {
  if (err instanceof GatewayRequestError) {
    return fail(deps, LSPErrorCodes.RequestFailed, `${what}: ${err.gatewayMessage || err.message}`, { gatewayCode: err.codeLabel });
  }
  return fail(deps, LSPErrorCodes.RequestFailed, `${what}: ${(err as Error).message}`);
}

async function removeLog(arg: unknown, deps: CommandDeps): Promise<RemoveLogResult> {
  const a = asRecord(arg);
  const usage = `${Commands.removeLog} takes {actionId} or {uri, line} with a 0-based line`;
  let ids: string[];
  let what: string;
  if (a && typeof a.actionId === 'string' && a.actionId) {
    ids = [a.actionId];
    what = `action ${a.actionId}`;
  } else if (a && typeof a.uri === 'string' && isLine(a.line)) {
    const file = deps.workspace.pathOf(a.uri);
    if (file === undefined) throw fail(deps, ErrorCodes.InvalidParams, `${usage}; ${a.uri} is not a file: URI`);
    what = `${file}:${a.line + 1}`;
    ids = deps.mirror.atLine(file, a.line + 1).map((e) => e.id);
    if (ids.length === 0) throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde has no action at ${what} to remove`);
  } else {
    throw fail(deps, ErrorCodes.InvalidParams, `${usage}; got ${JSON.stringify(arg) ?? 'nothing'}`);
  }
  if (!deps.gateway) throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde could not remove ${what}: ${deps.noGatewayReason}`);
  const removed: string[] = [];
  for (const id of ids) {
    try {
      await deps.gateway.removeAction(id);
    } catch (err) {
      // Gone already (removed elsewhere, or expired): what the user wanted, once the mirror agrees.
      const goneAlready = err instanceof GatewayRequestError && err.code === sonde.v1.ErrorCode.ERROR_CODE_NOT_FOUND && deps.mirror.get(id) !== undefined;
      if (!goneAlready) throw gatewayFailure(deps, `Sonde could not remove ${what}`, err);
    }
    deps.changed(deps.mirror.remove(id));
    removed.push(id);
  }
  return { removed };
}

function showAction(arg: unknown, deps: CommandDeps): ShowActionResult {
  const a = asRecord(arg);
  if (!a || typeof a.actionId !== 'string') throw fail(deps, ErrorCodes.InvalidParams, `${Commands.showAction} takes {actionId}; got ${JSON.stringify(arg) ?? 'nothing'}`);
  const entry = deps.mirror.get(a.actionId);
  if (!entry) throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde has no action ${a.actionId}; it may have been removed or expired`);
  const state = stateText(entry) || 'active';
  const agents = [...entry.states.values()].map((s) => `${s.agentId}: ${stateLabel(s.state)}${s.reason ? ` (${s.reason})` : ''}`);
  const parts = [`Sonde ${describeAction(entry.action, 200)} at ${entry.file}:${entry.line}`, hitsText(entry.hits), state];
  if (agents.length > 0) parts.push(`agents: ${agents.join('; ')}`);
  if (entry.action.creator) parts.push(`by ${entry.action.creator}`);
  const expires = int64(entry.action.expiresAtMs);
  if (expires > 0) parts.push(`expires ${new Date(expires).toISOString()}`);
  const text = parts.join(' · ');
  deps.showMessage(MessageType.Info, text);
  return { actionId: entry.id, text };
}
