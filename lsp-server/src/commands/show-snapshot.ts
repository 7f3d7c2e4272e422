// sonde.showSnapshot {actionId}: the latest snapshot of each agent for a
// snapshot action, whole (the hover shows a bounded part), and as text.
import { ErrorCodes, LSPErrorCodes, MessageType } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import { Commands, type ShowSnapshotResult } from '../lsp-protocol.js';
import { snapshotLines } from '../features/snapshot-text.js';
import { asRecord, fail, type CommandDeps } from './support.js';

export function showSnapshot(arg: unknown, deps: CommandDeps): ShowSnapshotResult {
  const a = asRecord(arg);
  if (!a || typeof a.actionId !== 'string') throw fail(deps, ErrorCodes.InvalidParams, `${Commands.showSnapshot} takes {actionId}; got ${JSON.stringify(arg) ?? 'nothing'}`);
  const entry = deps.mirror.get(a.actionId);
  if (!entry) throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde has no action ${a.actionId}; it may have been removed or expired`);
  if (entry.action.kind !== sonde.v1.ActionKind.ACTION_KIND_SNAPSHOT) throw fail(deps, ErrorCodes.InvalidParams, `action ${a.actionId} is not a snapshot; ${Commands.showAction} shows it`);
  const snapshots = deps.snapshots.of(entry.id);
  const text =
    snapshots.length === 0
      ? `Sonde snapshot at ${entry.file}:${entry.line}: none taken yet (the line has not run since it was added)`
      : snapshots.map((s) => [`Sonde snapshot at ${entry.file}:${entry.line}, ${new Date(s.timeMs).toISOString()} [${s.agentId}]`, ...snapshotLines(s)].join('\n')).join('\n\n');
  deps.showMessage(MessageType.Info, text);
  return { actionId: entry.id, snapshots, text };
}
