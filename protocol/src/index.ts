// Sonde's wire protocol: the generated sonde.v1 messages and the few rules
// every peer shares (one Envelope per binary frame, the size limit, error codes).
import { sonde } from './generated/sonde.js';

export { sonde };
export { SONDE_VERSION } from './version.js';
export { cutAt } from './text.js';
export import v1 = sonde.v1;

/** Frames larger than this are refused (WebSocket close code 1009). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** WebSocket close codes Sonde uses. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
} as const;

export type Envelope = sonde.v1.Envelope;
export type EnvelopeInit = sonde.v1.IEnvelope;
export type Body = NonNullable<sonde.v1.Envelope['body']>;

export function encodeEnvelope(init: EnvelopeInit): Uint8Array {
  return sonde.v1.Envelope.encode(sonde.v1.Envelope.create(init)).finish();
}

export type DecodeResult =
  | { ok: true; envelope: Envelope; body: Body }
  | { ok: false; code: sonde.v1.ErrorCode; message: string; id: number };

/**
 * Decodes one frame. Never throws: a frame that is not an Envelope, or an
 * Envelope whose body this build does not know, comes back as an error that
 * says what was wrong.
 */
export function decodeEnvelope(frame: Uint8Array): DecodeResult {
  let envelope: Envelope;
  try {
    envelope = sonde.v1.Envelope.decode(frame);
  } catch (err) {
    return {
      ok: false,
      code: sonde.v1.ErrorCode.ERROR_CODE_INVALID_FRAME,
      message: `frame of ${frame.length} bytes is not a sonde.v1.Envelope (${(err as Error).message}); send one protobuf-encoded Envelope per binary frame`,
      id: 0,
    };
  }
  if (!envelope.body) {
    return {
      ok: false,
      code: sonde.v1.ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE,
      message: 'envelope has no known body; the peer may speak a newer protocol than this gateway',
      id: envelope.id,
    };
  }
  return { ok: true, envelope, body: envelope.body };
}

/** Canonical proto3 JSON of a message (enum names, 64-bit integers as strings). */
export const canonicalJsonOptions: import('protobufjs').IConversionOptions = {
  enums: String,
  longs: String,
  bytes: String,
  defaults: false,
  oneofs: false,
  json: true,
};

export function errorEnvelope(replyTo: number, code: sonde.v1.ErrorCode, message: string): EnvelopeInit {
  return { replyTo, error: { code, message } };
}

/** An enum value's name without the prefix its enum's names share, lower-cased: ACTION_KIND_LOG → "log". */
export function enumLabel(values: object, value: number | null | undefined): string {
  const table = values as Record<string, number>;
  const names = Object.keys(table).filter((k) => Number.isNaN(Number(k)));
  const name = names.find((k) => table[k] === (value ?? 0));
  if (name === undefined) return String(value);
  let prefix = names[0] ?? '';
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  prefix = prefix.slice(0, prefix.lastIndexOf('_') + 1);
  return name.slice(prefix.length).toLowerCase();
}

/**
 * A 64-bit field as a number. Decoded messages may hold a Long (the
 * prototype's default) even with --force-number; this is the one place that
 * knows it.
 */
export function int64(value: number | { toString(): string } | null | undefined): number {
  if (value == null) return 0;
  return typeof value === 'number' ? value : Number(value.toString());
}
