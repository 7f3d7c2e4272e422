// What every add command shares: its arguments checked ({uri, line} plus
// the kind's own strings), the 0-based line turned into the protocol's
// place, the action sent to the gateway, and the mirror told. Each kind's
// command (add-log.ts, add-counter.ts, add-metric.ts, add-tictoc.ts) builds its action.
import { ErrorCodes, LSPErrorCodes } from 'vscode-languageserver';
import type { sonde } from '@sonde/protocol';
import type { ActionInfo } from '@sonde/client-core';
import { asRecord, fail, gatewayFailure, isLine, type CommandDeps } from './support.js';

export interface Place {
  uri: string;
  /** 0-based, as the editor sent it. */
  line: number;
  /** The path the action carries (relative to the workspace root). */
  file: string;
  /** `file:line`, 1-based, for messages. */
  where: string;
}

/**
 * The command's one argument: `{uri, line}` and the named strings, `required`
 * ones non-empty; a readable error (the usage and what was wrong) otherwise.
 */
export function parseArgs<K extends string>(
  command: string,
  usage: string,
  arg: unknown,
  optional: readonly K[],
  required: readonly K[] = [],
): ({ uri: string; line: number } & Partial<Record<K, string>>) | string {
  const a = asRecord(arg);
  const say = `${command} takes one object ${usage} where line is 0-based`;
  if (!a) return `${say}; got ${JSON.stringify(arg) ?? 'nothing'}`;
  if (typeof a.uri !== 'string') return `${say}; uri is missing or not a string`;
  if (!isLine(a.line)) return `${say}; line must be a non-negative integer, got ${JSON.stringify(a.line)}`;
  const out = { uri: a.uri, line: a.line } as { uri: string; line: number } & Partial<Record<K, string>>;
  for (const key of [...required, ...optional]) {
    const v = a[key];
    if (v === undefined || v === null) {
      if (required.includes(key)) return `${say}; ${key} is missing`;
      continue;
    }
    if (typeof v !== 'string') return `${say}; ${key} must be a string`;
    if (required.includes(key) && v.trim() === '') return `${say}; ${key} is empty`;
    (out as Record<string, unknown>)[key] = v;
  }
  return out;
}

/** Where the action goes, or an InvalidParams error naming what is wrong. */
export function placeOf(deps: CommandDeps, command: string, what: string, args: { uri: string; line: number }): Place {
  const file = deps.workspace.pathOf(args.uri);
  if (file === undefined) throw fail(deps, ErrorCodes.InvalidParams, `Sonde can only add ${what}s to files; ${args.uri} is not a file: URI`);
  const lineCount = deps.lines.lineCount(args.uri);
  if (lineCount !== undefined && args.line >= lineCount) {
    throw fail(deps, ErrorCodes.InvalidParams, `${command}: line ${args.line} (0-based) is past the end of ${file}, which has ${lineCount} line${lineCount === 1 ? '' : 's'}`);
  }
  return { uri: args.uri, line: args.line, file, where: `${file}:${args.line + 1}` };
}

/** Sends the action (at `place`, the workspace's target added) and returns its id. */
export async function sendAction(deps: CommandDeps, what: string, place: Place, action: sonde.v1.IAction): Promise<string> {
  if (!deps.gateway) throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde could not add a ${what} at ${place.where}: ${deps.noGatewayReason}`);
  // The edge between LSP (0-based) and the protocol (1-based).
  action.location = { ...action.location, file: place.file, line: place.line + 1 };
  Object.assign(action, lineContextOf(deps, place));
  action.projectName = deps.workspace.projectOf(place.uri);
  if (deps.target) action.target = deps.target;
  let info: ActionInfo;
  try {
    info = await deps.gateway.addAction(action);
  } catch (err) {
    throw gatewayFailure(deps, `Sonde could not add a ${what} at ${place.where}`, err);
  }
  const id = info.action?.id;
  if (!id) throw fail(deps, LSPErrorCodes.RequestFailed, `Sonde could not add a ${what} at ${place.where}: the gateway's reply has no action id; is it a Sonde gateway of the same version?`);
  // The gateway pushes the action to subscribers before it replies, and the agents' first states may follow
  // in the same read: the reply's copy (made before any state) must not replace what the mirror already holds.
  if (!deps.mirror.get(id)) deps.changed(deps.mirror.upsert(info));
  return id;
}

const CONTEXT_LINES = 2;

/** The line's text and a little context, so an agent whose running file differs can find the line (line-match.ts in the node agent). */
function lineContextOf(deps: CommandDeps, place: Place): sonde.v1.IAction {
  const at = (l: number): string | undefined => deps.lines.lineAt(place.uri, l)?.text;
  const text = at(place.line);
  if (text === undefined) return {};
  const before: string[] = [];
  for (let l = place.line - CONTEXT_LINES; l < place.line; l++) { const t = l >= 0 ? at(l) : undefined; if (t !== undefined) before.push(t); }
  const after: string[] = [];
  for (let l = place.line + 1; l <= place.line + CONTEXT_LINES; l++) { const t = at(l); if (t !== undefined) after.push(t); }
  return { lineText: text, linesBefore: before, linesAfter: after, editorContentHash: deps.lines.contentHash?.(place.uri) ?? '' };
}
