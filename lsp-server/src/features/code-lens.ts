// A lens above every line that has actions, one per action:
// `log "name={name}" · 3 hits`, plus what was lost (`· 12 lost`,
// `· 250 held back by the rate limit`) when anything was, and the state when
// it is not active.
import type { CodeLens } from 'vscode-languageserver';
import { describeAction, costText, figuresText, hitsText, lossText, stateText, type ActionMirror, type MirroredAction } from '@sonde/client-core';
import { Commands, type ShowActionArgs } from '../lsp-protocol.js';
import type { Workspace } from '../workspace.js';

/** The lens's text; `me` is who this editor acts as, so that someone else's action says whose it is. */
export function lensTitle(entry: MirroredAction, me?: string): string {
  const parts = [describeAction(entry.action), hitsText(entry.hits), ...figuresText(entry), ...costText(entry), ...lossText(entry)];
  const state = stateText(entry);
  if (state) parts.push(state);
  const creator = entry.action.creator;
  if (creator && me !== undefined && creator !== me) parts.push(`by ${creator}`);
  return parts.join(' · ');
}

export function codeLenses(uri: string, mirror: ActionMirror, workspace: Workspace, me?: string): CodeLens[] {
  const file = workspace.pathOf(uri);
  if (file === undefined) return [];
  return mirror.inFile(file).map((entry) => {
    // Protocol lines are 1-based; LSP's are 0-based.
    const line = Math.max(0, entry.line - 1);
    const args: ShowActionArgs = { actionId: entry.id };
    return {
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      // A lens needs a command to show its title. An empty command name is
      // not a valid command to every client (lsp-mode and Neovim send it to
      // workspace/executeCommand when clicked), so the lens runs
      // sonde.showAction, which only shows the action's details.
      command: { title: lensTitle(entry, me), command: Commands.showAction, arguments: [args] },
    };
  });
}
