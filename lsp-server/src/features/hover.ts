// Hover on a line with actions: what each action is, its state and hits,
// what it lost (dropped, held back by the rate limit), and its last log lines
// with their time and agent.
import type { Hover, HoverParams } from 'vscode-languageserver';
import { describeAction, hitsText, lossSentence, stateText, type ActionMirror, type RecentLogs } from '@sonde/client-core';
import type { Workspace } from '../workspace.js';

export function hover(params: HoverParams, mirror: ActionMirror, workspace: Workspace, recent: RecentLogs): Hover | null {
  const file = workspace.pathOf(params.textDocument.uri);
  if (file === undefined) return null;
  // LSP lines are 0-based; the protocol's are 1-based.
  const entries = mirror.atLine(file, params.position.line + 1);
  if (entries.length === 0) return null;
  const sections = entries.map((entry) => {
    const head = [describeAction(entry.action), hitsText(entry.hits), stateText(entry) || 'active'].join(' · ');
    const lines = recent.of(entry.id);
    const body = lines.length
      ? ['```text', ...lines.map((l) => `${new Date(l.timeMs).toISOString().slice(11, 23)} [${l.agentId}] ${l.text.replace(/`/g, "'")}`), '```'].join('\n')
      : '_no lines yet_';
    const loss = lossSentence(entry);
    const lost = loss ? `\n\n${escape(loss)}` : '';
    return `**Sonde** ${escape(head)}${lost}\n\n${body}`;
  });
  return { contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') } };
}

function escape(text: string): string {
  return text.replace(/([*_`])/g, '\\$1');
}
