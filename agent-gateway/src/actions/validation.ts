// Checks an action a client asks for before anything is stored: every problem
// is reported with the field it concerns and what to do about it.
import { int64, sonde } from '@sonde/protocol';
import { RequestError } from '@sonde/rpc';

const { ActionKind, ErrorCode } = sonde.v1;
const MAX_FORMAT = 4096;
const MAX_EXPRESSION = 1024;
const MAX_PATH = 1024;
export const DEFAULT_EXPIRY_MS = 60 * 60 * 1000;

function invalid(message: string): never {
  throw new RequestError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}

export function checkPath(file: string, field: string): void {
  if (!file) invalid(`${field}.file is empty; give the path relative to the workspace root, e.g. "src/server.js"`);
  if (file.length > MAX_PATH) invalid(`${field}.file is ${file.length} characters long; the limit is ${MAX_PATH}`);
  if (file.includes('\0')) invalid(`${field}.file contains a NUL character`);
  if (/^([A-Za-z]:)?[\\/]/.test(file) || file.startsWith('file:')) {
    invalid(`${field}.file "${file}" is absolute; actions carry the path relative to the workspace root`);
  }
  if (file.split(/[\\/]/).includes('..')) invalid(`${field}.file "${file}" climbs out of the workspace with ".."`);
}

function checkLocation(loc: sonde.v1.ILocation | null | undefined, field: string): void {
  if (!loc) invalid(`${field} is missing; give {file, line}`);
  checkPath(loc.file ?? '', field);
  if (!loc.line || loc.line < 1) invalid(`${field}.line must be 1 or more (lines are 1-based); got ${loc.line ?? 0}`);
}

/** Returns a copy of the request fit to store, with the defaults filled in. */
export function validateNewAction(input: sonde.v1.IAction, nowMs: number, creator: string): sonde.v1.Action {
  const kind = input.kind ?? 0;
  if (!Object.values(ActionKind).includes(kind) || kind === ActionKind.ACTION_KIND_UNSPECIFIED) {
    invalid(`kind ${kind} is not an action kind; use ACTION_KIND_LOG, _SNAPSHOT, _COUNTER, _TICTOC or _METRIC`);
  }
  checkLocation(input.location, 'location');
  if (input.endLocation) checkLocation(input.endLocation, 'end_location');
  const format = input.format ?? '';
  if (kind === ActionKind.ACTION_KIND_LOG && !format.trim()) invalid('format is empty; a log needs text such as "name={name}"');
  if (format.length > MAX_FORMAT) invalid(`format is ${format.length} characters long; the limit is ${MAX_FORMAT}`);
  for (const [i, e] of [input.condition ?? '', ...(input.expressions ?? [])].entries()) {
    if (e.length > MAX_EXPRESSION) invalid(`${i === 0 ? 'condition' : `expressions[${i - 1}]`} is ${e.length} characters long; the limit is ${MAX_EXPRESSION}`);
  }
  if (kind === ActionKind.ACTION_KIND_TICTOC && !input.endLocation && !input.location?.method) {
    invalid('a tic-toc needs end_location, or location.method to time a whole method');
  }
  if (kind === ActionKind.ACTION_KIND_METRIC && !(input.expressions ?? [])[0]) invalid('a metric needs its value expression in expressions[0]');
  const expiresAtMs = int64(input.expiresAtMs) || nowMs + DEFAULT_EXPIRY_MS;
  if (expiresAtMs <= nowMs) invalid(`expires_at_ms ${expiresAtMs} is in the past`);
  return sonde.v1.Action.create({
    ...input,
    id: '',
    createdAtMs: nowMs,
    expiresAtMs,
    creator,
    hitLimit: input.hitLimit || (kind === ActionKind.ACTION_KIND_SNAPSHOT ? 1 : 0),
  });
}
