// sonde.addTicToc {uri, line, endLine?, condition?, name?}: the time from
// a 0-based line to a later one (endLine, also 0-based), or, without
// endLine, of each call of the function that starts at `line`; the lens
// shows its quantiles in ms.
import { ErrorCodes } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import { Commands, type AddActionResult } from '../lsp-protocol.js';
import { functionStartingAt } from '../features/function-line.js';
import { parseArgs, placeOf, sendAction } from './add-action.js';
import { asRecord, fail, isLine, type CommandDeps } from './support.js';

const USAGE = '{uri, line, endLine?, condition?, name?}';

export async function addTicToc(arg: unknown, deps: CommandDeps): Promise<AddActionResult> {
  const args = parseArgs(Commands.addTicToc, USAGE, arg, ['condition', 'name']);
  if (typeof args === 'string') throw fail(deps, ErrorCodes.InvalidParams, args);
  const endLine = asRecord(arg)?.endLine;
  const say = `${Commands.addTicToc} takes one object ${USAGE} where line and endLine are 0-based`;
  if (endLine !== undefined && endLine !== null && !isLine(endLine)) throw fail(deps, ErrorCodes.InvalidParams, `${say}; endLine must be a non-negative integer, got ${JSON.stringify(endLine)}`);
  if (typeof endLine === 'number' && endLine <= args.line) {
    throw fail(deps, ErrorCodes.InvalidParams, `${say}; endLine (${endLine}) must come after line (${args.line}); leave it out to time the function that starts at line`);
  }
  const place = placeOf(deps, Commands.addTicToc, 'tic-toc', args);
  if (typeof endLine === 'number') placeOf(deps, Commands.addTicToc, 'tic-toc', { uri: args.uri, line: endLine });
  const action: sonde.v1.IAction = { kind: sonde.v1.ActionKind.ACTION_KIND_TICTOC, condition: args.condition?.trim() ?? '', metricName: args.name?.trim() ?? '' };
  if (typeof endLine === 'number') action.endLocation = { file: place.file, line: endLine + 1 };
  else {
    // The function form: the agent wraps the function that starts at the line; the method names it.
    const text = deps.lines.lineAt(args.uri, args.line);
    action.location = { method: (text && functionStartingAt(text.text, text.languageId, place.file)) || `function at line ${args.line + 1}` };
  }
  return { actionId: await sendAction(deps, 'tic-toc', place, action), file: place.file, line: args.line };
}
