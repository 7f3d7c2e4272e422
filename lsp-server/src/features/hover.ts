// Hover on a line with actions: what each action is, its state and hits,
// what it lost (dropped, held back by the rate limit), and its last log lines
// with their time and agent; a snapshot's latest captured tree per agent;
// whose it is when someone else added it, and whether this editor may remove it.
import type { Hover, HoverParams } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import { describeAction, hitsText, lossSentence, stateText, SnapshotStore, type ActionMirror, type MirroredAction, type RecentLogs } from '@sonde/client-core';
import type { Workspace } from '../workspace.js';
import { snapshotMarkdown } from './snapshot-text.js';

/** Who this editor acts as, and whether it may remove other people's actions (an admin). */
export interface Viewer {
  me: string | undefined;
  mayRemoveOthers: boolean;
}

export function hover(params: HoverParams, mirror: ActionMirror, workspace: Workspace, recent: RecentLogs, snapshots = new SnapshotStore(), who?: Viewer): Hover | null {
  const file = workspace.pathOf(params.textDocument.uri);
  if (file === undefined) return null;
  // LSP lines are 0-based; the protocol's are 1-based.
  const entries = mirror.atLine(file, params.position.line + 1);
  if (entries.length === 0) return null;
  const sections = entries.map((entry) => {
    const head = [describeAction(entry.action), hitsText(entry.hits), stateText(entry) || 'active'].join(' · ');
    const lines = recent.of(entry.id);
    const body = isSnapshot(entry)
      ? snapshotBody(entry, snapshots)
      : lines.length
      ? ['```text', ...lines.map((l) => `${new Date(l.timeMs).toISOString().slice(11, 23)} [${l.agentId}] ${l.text.replace(/`/g, "'")}`), '```'].join('\n')
      : '_no lines yet_';
    const loss = lossSentence(entry);
    const lost = loss ? `\n\n${escape(loss)}` : '';
    return `**Sonde** ${escape(head)}${lost}${whose(entry, who)}\n\n${body}`;
  });
  return { contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') } };
}

/** Someone else's action says whose it is, and that it is read-only here unless this editor is an admin's. */
function whose(entry: MirroredAction, who: Viewer | undefined): string {
  const creator = entry.action.creator;
  if (!creator || who?.me === undefined || creator === who.me) return '';
  return who.mayRemoveOthers
    ? `\n\nAdded by ${escape(creator)}; as an admin you may remove it.`
    : `\n\nAdded by ${escape(creator)}: read-only here; only ${escape(creator)} or an admin may remove it.`;
}

function isSnapshot(entry: MirroredAction): boolean {
  return entry.action.kind === sonde.v1.ActionKind.ACTION_KIND_SNAPSHOT;
}

function snapshotBody(entry: MirroredAction, snapshots: SnapshotStore): string {
  const taken = snapshots.of(entry.id);
  return taken.length ? taken.map(snapshotMarkdown).join('\n\n') : '_no snapshot yet_';
}

function escape(text: string): string {
  return text.replace(/([*_`])/g, '\\$1');
}
