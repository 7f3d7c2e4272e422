// sonde.removeLog {actionId} or {uri, line}: removes one action, or every
// action on a 0-based line.
import { ErrorCodes, LSPErrorCodes } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import { GatewayRequestError } from '@sonde/client-core';
import { Commands, type RemoveLogResult } from '../lsp-protocol.js';
import { asRecord, fail, gatewayFailure, isLine, type CommandDeps } from './support.js';

export async function removeLog(arg: unknown, deps: CommandDeps): Promise<RemoveLogResult> {
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
