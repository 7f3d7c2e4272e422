// sonde.addSnapshot {uri, line, condition?, expressions?, hitLimit?}: at a
// 0-based line, the stack and the variables the line sees, without pausing,
// plus any watch expressions; `hitLimit` snapshots (default 1, the
// gateway's), then the state reads "hit limit reached".
import { ErrorCodes } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import { Commands, type AddActionResult } from '../lsp-protocol.js';
import { parseArgs, placeOf, sendAction } from './add-action.js';
import { asRecord, fail, type CommandDeps } from './support.js';

const USAGE = '{uri, line, condition?, expressions?, hitLimit?}';
/** Snapshots one action may ask for from the editor: each is a tree an engineer reads, and the quota spaces them (one a second by default). */
const MAX_HIT_LIMIT = 1000;

export async function addSnapshot(arg: unknown, deps: CommandDeps): Promise<AddActionResult> {
  const args = parseArgs(Commands.addSnapshot, USAGE, arg, ['condition']);
  if (typeof args === 'string') throw fail(deps, ErrorCodes.InvalidParams, args);
  const a = asRecord(arg)!;
  const say = `${Commands.addSnapshot} takes one object ${USAGE} where line is 0-based`;
  const expressions = a.expressions ?? [];
  if (!Array.isArray(expressions) || !expressions.every((e) => typeof e === 'string')) throw fail(deps, ErrorCodes.InvalidParams, `${say}; expressions must be an array of strings`);
  const hitLimit = a.hitLimit ?? 0;
  if (typeof hitLimit !== 'number' || !Number.isInteger(hitLimit) || hitLimit < 0 || hitLimit > MAX_HIT_LIMIT) {
    throw fail(deps, ErrorCodes.InvalidParams, `${say}; hitLimit must be an integer from 1 to ${MAX_HIT_LIMIT} (leave it out for one snapshot), got ${JSON.stringify(hitLimit)}`);
  }
  const place = placeOf(deps, Commands.addSnapshot, 'snapshot', args);
  const action: sonde.v1.IAction = {
    kind: sonde.v1.ActionKind.ACTION_KIND_SNAPSHOT,
    condition: args.condition?.trim() ?? '',
    expressions: (expressions as string[]).map((e) => e.trim()).filter((e) => e !== ''),
    hitLimit,
  };
  return { actionId: await sendAction(deps, 'snapshot', place, action), file: place.file, line: args.line };
}
