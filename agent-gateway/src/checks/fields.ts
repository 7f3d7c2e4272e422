// Length and range caps on what peers send, checked at the edge so that
// nothing stored, logged or sent on can grow past them: every refusal is an
// INVALID_ARGUMENT that names the field and its limit.
import { int64, sonde } from '@sonde/protocol';
import { RequestError } from '@sonde/rpc';

const { ErrorCode } = sonde.v1;

/** Characters (UTF-16 code units, as JavaScript counts them). */
export const MAX_CHARS = {
  agentId: 256,
  instanceId: 128,
  appName: 256,
  appVersion: 128,
  host: 256,
  runtimeVersion: 128,
  agentVersion: 128,
  tag: 128,
  path: 4096,
  contentHash: 128,
  format: 4096,
  expression: 1024,
  actionPath: 1024,
  method: 256,
  metricName: 256,
  stateReason: 1024,
} as const;

export const MAX_COUNT = {
  tags: 64,
  roots: 64,
  expressions: 32,
  targetAgentIds: 100,
  targetTags: 64,
} as const;

/** Lines are 1-based; no source a person edits has a million lines, and every runtime's line numbers fit far above it (V8's are int32). */
export const MAX_LINE = 1_000_000;

export function invalid(message: string): never {
  throw new RequestError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}

export function checkLength(field: string, value: string | null | undefined, max: number): void {
  const n = value?.length ?? 0;
  if (n > max) invalid(`${field} is ${n} characters long; the limit is ${max}`);
}

export function checkCount(field: string, list: readonly unknown[] | null | undefined, max: number): void {
  const n = list?.length ?? 0;
  if (n > max) invalid(`${field} has ${n} entries; the limit is ${max}`);
}

/** Each entry of a list of strings, and the list's length. */
export function checkStrings(field: string, list: readonly string[] | null | undefined, maxCount: number, maxChars: number): void {
  checkCount(field, list, maxCount);
  for (const [i, s] of (list ?? []).entries()) checkLength(`${field}[${i}]`, s, maxChars);
}

/** An enum field must hold one of the enum's values (proto3 lets any number through). */
export function checkEnum(field: string, value: number | null | undefined, values: object, hint: string): void {
  const v = value ?? 0;
  if (!Object.values(values).includes(v)) invalid(`${field} ${v} is not a known value; ${hint}`);
}

/**
 * A 64-bit field as an exact number, or undefined when it is not one: a
 * value past Number.MAX_SAFE_INTEGER would be rounded by the conversion, so
 * it is caught before (the decoder may hand a Long or a rounded number).
 */
export function exactInt64(value: number | { toString(): string } | null | undefined): number | undefined {
  if (value == null) return 0;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  const text = value.toString();
  if (!/^-?\d+$/.test(text)) return undefined;
  const big = BigInt(text);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return int64(value);
}
