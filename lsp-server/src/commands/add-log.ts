// sonde.addLog {uri, line, format?, condition?}: a log action at a 0-based
// line, with the line's default format when none is given.
import { ErrorCodes, LSPErrorCodes } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import type { ActionInfo } from '@sonde/client-core';
import { Commands, type AddLogArgs, type AddLogResult } from '../lsp-protocol.js';
import { defaultFormat } from '../features/default-format.js';
import { asRecord, fail, gatewayFailure, isLine, type CommandDeps } from './support.js';

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

export async function addLog(arg: unknown, deps: CommandDeps): Promise<AddLogResult> {
  const args = parseAddLog(arg);
  if (typeof args === 'string') throw fail(deps, ErrorCodes.InvalidParams, args);
  const file = deps.workspace.pathOf(args.uri);
  if (file === undefined) throw fail(deps, ErrorCodes.InvalidParams, `Sonde can only add logs to files; ${args.uri} is not a file: URI`);
  // The edge between LSP (0-based) and the protocol (1-based).
  const lineCount = deps.lines.lineCount(args.uri);
  if (lineCount !== undefined && args.line >= lineCount) {
    throw fail(deps, ErrorCodes.InvalidParams, `${Commands.addLog}: line ${args.line} (0-based) is past the end of ${file}, which has ${lineCount} line${lineCount === 1 ? '' : 's'}`);
  }
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
