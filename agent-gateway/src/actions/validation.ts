// Checks an action a client asks for before anything is stored: every problem
// is reported with the field it concerns, its limit, and what to do about it.
import { sonde } from '@sonde/protocol';
import { checkEnum, checkLength, checkStrings, exactInt64, invalid, MAX_CHARS, MAX_COUNT, MAX_LINE } from '../checks/fields.js';
import { checkPath } from '../checks/path.js';

const { ActionKind, LogLevel, LogDestination, Runtime } = sonde.v1;
export const DEFAULT_EXPIRY_MS = 60 * 60 * 1000;

function checkLocation(loc: sonde.v1.ILocation | null | undefined, field: string): void {
  if (!loc) invalid(`${field} is missing; give {file, line}`);
  checkPath(loc.file ?? '', field);
  const line = loc.line ?? 0;
  if (line < 1) invalid(`${field}.line must be 1 or more (lines are 1-based); got ${line}`);
  if (line > MAX_LINE) invalid(`${field}.line ${line} is past ${MAX_LINE}, the highest line the gateway accepts`);
  checkLength(`${field}.method`, loc.method, MAX_CHARS.method);
}

function checkTarget(target: sonde.v1.ITarget | null | undefined): void {
  if (!target) return;
  checkStrings('target.agent_ids', target.agentIds, MAX_COUNT.targetAgentIds, MAX_CHARS.agentId);
  checkStrings('target.tags', target.tags, MAX_COUNT.targetTags, MAX_CHARS.tag);
  checkLength('target.app_name', target.appName, MAX_CHARS.appName);
  checkEnum('target.runtime', target.runtime, Runtime, 'use RUNTIME_NODE, _PYTHON or _JVM, or leave it unset');
}

function checkExpiry(input: sonde.v1.IAction, nowMs: number, maxExpiryMs: number): number {
  const given = exactInt64(input.expiresAtMs);
  const latest = nowMs + maxExpiryMs;
  const days = maxExpiryMs / 86_400_000;
  const maxText = `${Number.isInteger(days) ? `${days} days` : `${maxExpiryMs} ms`} from now`;
  if (given === undefined || given > latest) {
    invalid(`expires_at_ms ${String(input.expiresAtMs)} is too far ahead; the latest the gateway accepts is ${maxText} (${latest})`);
  }
  const expiresAtMs = given || nowMs + DEFAULT_EXPIRY_MS;
  if (expiresAtMs <= nowMs) invalid(`expires_at_ms ${expiresAtMs} is in the past`);
  return expiresAtMs;
}

/** Returns a copy of the request fit to store, with the defaults filled in. */
export function validateNewAction(input: sonde.v1.IAction, nowMs: number, creator: string, maxExpiryMs: number): sonde.v1.Action {
  const kind = input.kind ?? 0;
  if (!Object.values(ActionKind).includes(kind) || kind === ActionKind.ACTION_KIND_UNSPECIFIED) {
    invalid(`kind ${kind} is not an action kind; use ACTION_KIND_LOG, _SNAPSHOT, _COUNTER, _TICTOC or _METRIC`);
  }
  checkLocation(input.location, 'location');
  if (input.endLocation) checkLocation(input.endLocation, 'end_location');
  const format = input.format ?? '';
  if (kind === ActionKind.ACTION_KIND_LOG && !format.trim()) invalid('format is empty; a log needs text such as "name={name}"');
  checkLength('format', format, MAX_CHARS.format);
  checkLength('condition', input.condition, MAX_CHARS.expression);
  checkStrings('expressions', input.expressions, MAX_COUNT.expressions, MAX_CHARS.expression);
  checkLength('metric_name', input.metricName, MAX_CHARS.metricName);
  checkTarget(input.target);
  checkEnum('log_level', input.logLevel, LogLevel, 'use LOG_LEVEL_DEBUG, _INFO, _WARN or _ERROR, or leave it unset');
  checkEnum('log_destination', input.logDestination, LogDestination, 'use LOG_DESTINATION_EDITOR, _APP or _BOTH, or leave it unset');
  if (kind === ActionKind.ACTION_KIND_TICTOC && !input.endLocation && !input.location?.method) {
    invalid('a tic-toc needs end_location, or location.method to time a whole method');
  }
  if (kind === ActionKind.ACTION_KIND_METRIC && !(input.expressions ?? [])[0]) invalid('a metric needs its value expression in expressions[0]');
  const expiresAtMs = checkExpiry(input, nowMs, maxExpiryMs);
  return sonde.v1.Action.create({
    ...input,
    id: '',
    createdAtMs: nowMs,
    expiresAtMs,
    creator,
    hitLimit: input.hitLimit || (kind === ActionKind.ACTION_KIND_SNAPSHOT ? 1 : 0),
  });
}
