// "Sonde: add log here", "Sonde: add counter here" and "Sonde: take a snapshot here" at any line (a metric
// needs an expression, so it is the sonde.addMetric command alone), a
// tic-toc over a selection of lines or of the function starting at the line,
// and "Sonde: remove log" on a line that has one. Both are commands, so that every editor can run them (some never
// apply a code action's edit, all run its command).
import type { CodeAction, CodeActionParams, Command } from 'vscode-languageserver';
import { describeAction, kindWord, type ActionMirror } from '@sonde/client-core';
import type { LineSource } from '../document-lines.js';
import { Commands, type AddCounterArgs, type AddLogArgs, type AddSnapshotArgs, type AddTicTocArgs, type RemoveLogArgs } from '../lsp-protocol.js';
import type { Workspace } from '../workspace.js';
import { defaultFormat } from './default-format.js';
import { functionStartingAt } from './function-line.js';

export interface CodeActionDeps {
  mirror: ActionMirror;
  workspace: Workspace;
  lines: LineSource;
  /** The client takes CodeAction literals; otherwise it gets bare Commands. */
  literalSupport: boolean;
  /** Who this editor acts as, and whether it may remove other people's actions; unknown: every remove is offered (the gateway decides). */
  who?: { me: string | undefined; mayRemoveOthers: boolean };
}

export function codeActions(params: CodeActionParams, deps: CodeActionDeps): (CodeAction | Command)[] {
  // A client asking only for certain kinds (say, source actions on save) does not want these.
  if (params.context.only && params.context.only.length > 0) return [];
  const uri = params.textDocument.uri;
  const file = deps.workspace.pathOf(uri);
  if (file === undefined) return [];
  const line = params.range.start.line;
  const text = deps.lines.lineAt(uri, line);
  const format = defaultFormat(text?.text ?? '', { file, line: line + 1, languageId: text?.languageId });
  const addArgs: AddLogArgs = { uri, line, format };
  const here0: AddCounterArgs = { uri, line };
  const snap: AddSnapshotArgs = { uri, line };
  const commands: Command[] = [
    { title: 'Sonde: add log here', command: Commands.addLog, arguments: [addArgs] },
    { title: 'Sonde: add counter here', command: Commands.addCounter, arguments: [here0] },
    { title: 'Sonde: take a snapshot here', command: Commands.addSnapshot, arguments: [snap] },
  ];
  // A selection ending at column 0 of a line does not take that line in.
  const { end } = params.range;
  const endLine = end.character === 0 && end.line > line ? end.line - 1 : end.line;
  if (endLine > line) {
    const span: AddTicTocArgs = { uri, line, endLine };
    commands.push({ title: `Sonde: time lines ${line + 1}–${endLine + 1} (tic-toc)`, command: Commands.addTicToc, arguments: [span] });
  } else {
    const fn = text && functionStartingAt(text.text, text.languageId, file);
    const whole: AddTicTocArgs = { uri, line };
    if (fn) commands.push({ title: `Sonde: time each call of ${fn} (tic-toc)`, command: Commands.addTicToc, arguments: [whole] });
  }

  const here = deps.mirror.atLine(file, line + 1);
  // Someone else's action is read-only unless one may remove others' (an admin): not offered, the lens says whose it is.
  const mine = (creator: string | null | undefined) => deps.who?.me === undefined || deps.who.mayRemoveOthers || !creator || creator === deps.who.me;
  for (const entry of here) {
    if (!mine(entry.action.creator)) continue;
    const removeArgs: RemoveLogArgs = { actionId: entry.id };
    // Several actions on one line: say which one each entry removes.
    const title = here.length === 1 ? `Sonde: remove ${kindWord(entry.action)}` : `Sonde: remove ${describeAction(entry.action, 40)}`;
    commands.push({ title, command: Commands.removeLog, arguments: [removeArgs] });
  }
  if (!deps.literalSupport) return commands;
  return commands.map((command) => ({ title: command.title, command }));
}
