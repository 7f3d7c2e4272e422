// sonde.addLog {uri, line, format?, condition?}: a log action at a 0-based
// line, with the line's default format when none is given.
import { ErrorCodes } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import { Commands, type AddLogResult } from '../lsp-protocol.js';
import { defaultFormat } from '../features/default-format.js';
import { parseArgs, placeOf, sendAction } from './add-action.js';
import { fail, type CommandDeps } from './support.js';

export async function addLog(arg: unknown, deps: CommandDeps): Promise<AddLogResult> {
  const args = parseArgs(Commands.addLog, '{uri, line, format?, condition?}', arg, ['format', 'condition']);
  if (typeof args === 'string') throw fail(deps, ErrorCodes.InvalidParams, args);
  const place = placeOf(deps, Commands.addLog, 'log', args);
  let format = args.format?.trim() ?? '';
  if (!format) {
    const text = deps.lines.lineAt(args.uri, args.line);
    format = defaultFormat(text?.text ?? '', { file: place.file, line: args.line + 1, languageId: text?.languageId });
  }
  const actionId = await sendAction(deps, 'log', place, { kind: sonde.v1.ActionKind.ACTION_KIND_LOG, format, condition: args.condition?.trim() ?? '' });
  return { actionId, format, file: place.file, line: args.line };
}
