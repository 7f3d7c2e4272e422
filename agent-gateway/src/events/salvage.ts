// An agent's event batch that does not decode as a whole (protobufjs
// refuses a frame in which any string is not UTF-8: a lone surrogate that an
// agent encoded raw) is read event by event, so that only the bad events are
// lost. Only the wire format is walked here; each event is decoded by the
// generated code, so an event that passes is exactly what a whole decode
// would have given.
import { sonde, type Envelope } from '@sonde/protocol';

const ENVELOPE_ID = 1;
const ENVELOPE_REPLY_TO = 2;
const ENVELOPE_MORE = 3;
const ENVELOPE_EVENTS = 17;
const BATCH_EVENT = 1;
/** Body fields of Envelope are 10 and up; a frame holding any body but events is not salvaged. */
const FIRST_BODY_FIELD = 10;

const invalidCounts = new WeakMap<Envelope, number>();

/** How many events of this (salvaged) envelope were left out; 0 for a frame that decoded whole. */
export function invalidEventsOf(envelope: Envelope): number {
  return invalidCounts.get(envelope) ?? 0;
}

interface Field {
  number: number;
  wireType: number;
  /** varint value, or the bytes of a length-delimited field */
  value: number | Uint8Array;
}

/** The fields of one message, or undefined when the bytes are not well-formed protobuf. */
function fields(bytes: Uint8Array): Field[] | undefined {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): number | undefined => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10 && pos < bytes.length; i++) {
      const b = bytes[pos++]!;
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    return undefined;
  };
  while (pos < bytes.length) {
    const key = varint();
    if (key === undefined) return undefined;
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === 0) {
      const value = varint();
      if (value === undefined) return undefined;
      out.push({ number, wireType, value });
    } else if (wireType === 2) {
      const length = varint();
      if (length === undefined || pos + length > bytes.length) return undefined;
      out.push({ number, wireType, value: bytes.subarray(pos, pos + length) });
      pos += length;
    } else if (wireType === 1 || wireType === 5) {
      pos += wireType === 1 ? 8 : 4;
      if (pos > bytes.length) return undefined;
    } else {
      return undefined;
    }
  }
  return out;
}

/** The batch without the events that do not decode, or undefined when the frame is not an event batch at all. */
export function salvageEventBatch(frame: Uint8Array): Envelope | undefined {
  const top = fields(frame);
  if (!top) return undefined;
  let id = 0;
  const events: sonde.v1.Event[] = [];
  let invalid = 0;
  let sawBatch = false;
  for (const f of top) {
    if (f.number === ENVELOPE_ID && typeof f.value === 'number') id = f.value >>> 0;
    else if (f.number === ENVELOPE_REPLY_TO || f.number === ENVELOPE_MORE) return undefined;
    else if (f.number === ENVELOPE_EVENTS && f.value instanceof Uint8Array) {
      sawBatch = true;
      const inner = fields(f.value);
      if (!inner) return undefined;
      for (const e of inner) {
        if (e.number !== BATCH_EVENT || !(e.value instanceof Uint8Array)) continue;
        try {
          events.push(sonde.v1.Event.decode(e.value));
        } catch {
          // This event is the bad part: left out, and counted by whoever handles the batch.
          invalid++;
        }
      }
    } else if (f.number >= FIRST_BODY_FIELD) return undefined;
  }
  if (!sawBatch || invalid === 0) return undefined;
  const envelope = sonde.v1.Envelope.create({ id, events: { events } });
  invalidCounts.set(envelope, invalid);
  return envelope;
}
