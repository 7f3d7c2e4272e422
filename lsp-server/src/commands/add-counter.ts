// sonde.addCounter {uri, line, condition?, name?}: counts the hits of a
// 0-based line; the lens shows the total and the rate.
import { ErrorCodes } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import { Commands, type AddActionResult } from '../lsp-protocol.js';
import { parseArgs, placeOf, sendAction } from './add-action.js';
import { fail, type CommandDeps } from './support.js';

export async function addCounter(arg: unknown, deps: CommandDeps): Promise<AddActionResult> {
  const args = parseArgs(Commands.addCounter, '{uri, line, condition?, name?}', arg, ['condition', 'name']);
  if (typeof args === 'string') throw fail(deps, ErrorCodes.InvalidParams, args);
  const place = placeOf(deps, Commands.addCounter, 'counter', args);
  const action = { kind: sonde.v1.ActionKind.ACTION_KIND_COUNTER, condition: args.condition?.trim() ?? '', metricName: args.name?.trim() ?? '' };
  return { actionId: await sendAction(deps, 'counter', place, action), file: place.file, line: args.line };
}
