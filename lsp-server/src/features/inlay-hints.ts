// Inlay hints: at the end of a line holding a snapshot action, the values its
// latest snapshot captured there (`name = 'ada', cart = {…}`), so that the
// engineer reads them in place. Only clients that ask for inlay hints get
// them; the hover has the whole tree for the others.
import type { InlayHint, InlayHintParams } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import type { ActionMirror, SnapshotStore } from '@sonde/client-core';
import type { LineSource } from '../document-lines.js';
import type { Workspace } from '../workspace.js';
import { hintText, hintVariables } from './snapshot-text.js';

export interface InlayHintDeps {
  mirror: ActionMirror;
  workspace: Workspace;
  snapshots: SnapshotStore;
  lines: LineSource;
}

export function inlayHints(params: InlayHintParams, deps: InlayHintDeps): InlayHint[] {
  const uri = params.textDocument.uri;
  const file = deps.workspace.pathOf(uri);
  if (file === undefined) return [];
  const { start, end } = params.range;
  const hints: InlayHint[] = [];
  for (const entry of deps.mirror.inFile(file)) {
    if (entry.action.kind !== sonde.v1.ActionKind.ACTION_KIND_SNAPSHOT) continue;
    // Protocol lines are 1-based; LSP's are 0-based.
    const line = entry.line - 1;
    if (line < start.line || line > end.line) continue;
    const latest = deps.snapshots.latest(entry.id);
    const values = latest === undefined ? [] : hintVariables(latest);
    if (latest === undefined || values.length === 0) continue;
    const text = deps.lines.lineAt(uri, line)?.text ?? '';
    hints.push({
      position: { line, character: text.length },
      label: values.map(hintText).join(', '),
      paddingLeft: true,
      tooltip: `Sonde snapshot at ${new Date(latest.timeMs).toISOString().slice(11, 23)} [${latest.agentId}]; hover the line for the whole tree`,
    });
  }
  return hints;
}
