// sonde.showAction {actionId}: what a lens runs when clicked. Shows the
// action's details and changes nothing.
import { ErrorCodes, LSPErrorCodes, MessageType } from 'vscode-languageserver';
import { int64 } from '@sonde/protocol';
import { describeAction, hitsText, lossText, stateLabel, stateText } from '@sonde/client-core';
import { Commands, type ShowActionResult } from '../lsp-protocol.js';
import { asRecord, fail, type CommandDeps } from './support.js';

export function showAction(arg: unknown, deps: CommandDeps): ShowActionResult {
  const a = asRecord(arg);
  if (!a || typeof a.actionId !== 'string') throw fail(deps, ErrorCodes.InvalidParams, `${Commands.showAction} takes {actionId}; got ${JSON.stringify(arg) ?? 'nothing'}`);
  const entry = deps.mirror.get(a.actionId);
  if (!entry) throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde has no action ${a.actionId}; it may have been removed or expired`);
  const state = stateText(entry) || 'active';
  const agents = [...entry.states.values()].map((s) => `${s.agentId}: ${stateLabel(s.state)}${s.reason ? ` (${s.reason})` : ''}`);
  const parts = [`Sonde ${describeAction(entry.action, 200)} at ${entry.file}:${entry.line}`, hitsText(entry.hits), ...lossText(entry), state];
  if (agents.length > 0) parts.push(`agents: ${agents.join('; ')}`);
  if (entry.action.creator) parts.push(`by ${entry.action.creator}`);
  const expires = int64(entry.action.expiresAtMs);
  if (expires > 0) parts.push(`expires ${new Date(expires).toISOString()}`);
  const text = parts.join(' · ');
  deps.showMessage(MessageType.Info, text);
  return { actionId: entry.id, text };
}
