// The editor's request params, checked at the connection's edge before any
// feature sees them: a position that is negative, not an integer, or past
// the end of the document is refused with InvalidParams naming the field,
// rather than answered with a guess or failing deep inside a feature.
import { ErrorCodes, ResponseError, type CodeActionParams, type CodeLensParams, type ExecuteCommandParams, type HoverParams, type InlayHintParams, type Position } from 'vscode-languageserver';
import type { LineSource } from './document-lines.js';
import { asRecord } from './commands/support.js';

/** LSP's uinteger. */
const MAX_UINTEGER = 2 ** 31 - 1;

function invalid(method: string, message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `${method}: ${message}`);
}

function uriOf(method: string, params: unknown): string {
  const uri = asRecord(asRecord(params)?.textDocument)?.uri;
  if (typeof uri !== 'string') throw invalid(method, `textDocument.uri must be a string, got ${JSON.stringify(uri) ?? 'nothing'}`);
  return uri;
}

function isUinteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_UINTEGER;
}

/**
 * A position; its line must be a line of the document when the server knows
 * the document (`lineCount`); `lastLine` is how far a range's end may go.
 * A character past the end of its line is allowed: LSP says it means the end.
 */
function position(method: string, field: string, value: unknown, lineCount: number | undefined, lastLine?: number): Position {
  const p = asRecord(value);
  if (!p) throw invalid(method, `${field} must be a position {line, character}, got ${JSON.stringify(value) ?? 'nothing'}`);
  const last = lastLine ?? (lineCount === undefined ? MAX_UINTEGER : lineCount - 1);
  if (!isUinteger(p.line) || p.line > last) {
    const range = lineCount === undefined ? 'a non-negative integer' : `an integer from 0 to ${last} (the document has ${lineCount} line${lineCount === 1 ? '' : 's'})`;
    throw invalid(method, `${field}.line must be ${range}, got ${JSON.stringify(p.line) ?? 'nothing'}`);
  }
  if (!isUinteger(p.character)) throw invalid(method, `${field}.character must be a non-negative integer, got ${JSON.stringify(p.character) ?? 'nothing'}`);
  return { line: p.line, character: p.character };
}

export function checkCodeActionParams(params: CodeActionParams, lines: LineSource): CodeActionParams {
  const method = 'textDocument/codeAction';
  const uri = uriOf(method, params);
  const range = asRecord(params.range);
  if (!range) throw invalid(method, `range must be {start, end}, got ${JSON.stringify(params.range) ?? 'nothing'}`);
  const count = lines.lineCount(uri);
  const start = position(method, 'range.start', range.start, count);
  // A range may end at the start of the line after the last.
  const end = position(method, 'range.end', range.end, count, count);
  if (!asRecord(params.context)) throw invalid(method, 'context must be an object {diagnostics, only?}');
  return { ...params, range: { start, end } };
}

export function checkHoverParams(params: HoverParams, lines: LineSource): HoverParams {
  const method = 'textDocument/hover';
  const uri = uriOf(method, params);
  return { ...params, position: position(method, 'position', params.position, lines.lineCount(uri)) };
}

export function checkInlayHintParams(params: InlayHintParams): InlayHintParams {
  const method = 'textDocument/inlayHint';
  uriOf(method, params);
  const range = asRecord(params.range);
  if (!range) throw invalid(method, `range must be {start, end}, got ${JSON.stringify(params.range) ?? 'nothing'}`);
  // Lines past the end just hold no hint: the range is only a filter here.
  return { ...params, range: { start: position(method, 'range.start', range.start, undefined), end: position(method, 'range.end', range.end, undefined) } };
}

export function checkCodeLensParams(params: CodeLensParams): CodeLensParams {
  uriOf('textDocument/codeLens', params);
  return params;
}

export function checkExecuteCommandParams(params: ExecuteCommandParams): ExecuteCommandParams {
  const method = 'workspace/executeCommand';
  if (typeof params.command !== 'string') throw invalid(method, `command must be a string, got ${JSON.stringify(params.command) ?? 'nothing'}`);
  if (params.arguments !== undefined && params.arguments !== null && !Array.isArray(params.arguments)) throw invalid(method, 'arguments must be an array');
  return params;
}
