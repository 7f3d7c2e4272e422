// sonde.addMetric {uri, line, expression, condition?, name?}: a numeric
// expression read at a 0-based line; the lens shows its quantiles.
import { ErrorCodes } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import { Commands, type AddActionResult } from '../lsp-protocol.js';
import { parseArgs, placeOf, sendAction } from './add-action.js';
import { fail, type CommandDeps } from './support.js';

export async function addMetric(arg: unknown, deps: CommandDeps): Promise<AddActionResult> {
  const args = parseArgs(Commands.addMetric, '{uri, line, expression, condition?, name?}', arg, ['condition', 'name'], ['expression']);
  if (typeof args === 'string') throw fail(deps, ErrorCodes.InvalidParams, args);
  const place = placeOf(deps, Commands.addMetric, 'metric', args);
  const action = {
    kind: sonde.v1.ActionKind.ACTION_KIND_METRIC,
    expressions: [args.expression!.trim()],
    condition: args.condition?.trim() ?? '',
    metricName: args.name?.trim() ?? '',
  };
  return { actionId: await sendAction(deps, 'metric', place, action), file: place.file, line: args.line };
}
