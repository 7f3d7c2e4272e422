// Log lines from agents, twice: as window/logMessage, which every editor
// shows somewhere, and as the structured sonde/log notification that Sonde's
// own editor clients use.
import { MessageType, type LogMessageParams } from 'vscode-languageserver';
import { sonde, enumLabel, int64 } from '@sonde/protocol';
import type { ActionMirror, GatewayEvent } from '@sonde/client-core';
import type { SondeLogParams } from '../lsp-protocol.js';
import type { Workspace } from '../workspace.js';

const Level = sonde.v1.LogLevel;

export interface LogOutput {
  message: LogMessageParams;
  notification: SondeLogParams;
}

function messageType(level: sonde.v1.LogLevel | null | undefined): MessageType {
  switch (level) {
    case Level.LOG_LEVEL_ERROR:
      return MessageType.Error;
    case Level.LOG_LEVEL_WARN:
      return MessageType.Warning;
    case Level.LOG_LEVEL_INFO:
      return MessageType.Info;
    default:
      return MessageType.Log;
  }
}

const levels: readonly string[] = ['debug', 'info', 'warn', 'error'];

function levelLabel(level: sonde.v1.LogLevel | null | undefined): SondeLogParams['level'] {
  const label = enumLabel(Level, level);
  return levels.includes(label) ? (label as SondeLogParams['level']) : 'unspecified';
}

/** What to send for the log lines of one pushed batch. */
export function logOutputs(events: readonly GatewayEvent[], mirror: ActionMirror, workspace: Workspace): LogOutput[] {
  const out: LogOutput[] = [];
  for (const event of events) {
    const log = event.log;
    if (!log) continue;
    const actionId = log.actionId ?? '';
    const agentId = log.agentId ?? '';
    const timeMs = int64(log.timeMs);
    const text = log.text ?? '';
    const entry = mirror.get(actionId);
    const where = entry ? `${entry.file}:${entry.line}` : `action ${actionId}`;
    const notification: SondeLogParams = {
      actionId,
      agentId,
      timeMs,
      time: new Date(timeMs).toISOString(),
      text,
      level: levelLabel(log.level),
    };
    if (entry) {
      notification.uri = workspace.uriOf(entry.file);
      notification.line = Math.max(0, entry.line - 1);
    }
    out.push({
      message: { type: messageType(log.level), message: `[sonde] ${where} ${agentId || 'unknown agent'}: ${text}` },
      notification,
    });
  }
  return out;
}
