// Lists that may not fit in one frame: split them into envelopes that each
// do, so that nothing the gateway sends (an action list, an agent list, a
// batch of events) can be over the 1 MiB limit every peer enforces.
import { decodeEnvelope, encodeEnvelope, MAX_FRAME_BYTES, type DecodeResult, type EnvelopeInit } from '@sonde/protocol';

/** Room left in each frame for the envelope's own fields (ids, `more`) and the list's framing. */
const HEADROOM = 1024;

export interface FitOptions<T> {
  /** The frame size to stay under. Default MAX_FRAME_BYTES. */
  limit?: number;
  /** An item that alone is over the limit cannot be sent at all; it is left out and reported here. */
  tooLarge?: (item: T, bytes: number) => void;
  /**
   * An upper bound of the bytes an item adds to the frame, where encoding
   * each item to measure it would cost too much (inside an app: an agent's
   * flush). Default: the exact size, by encoding.
   */
  cost?: (item: T) => number;
}

/**
 * Splits `items` into as few envelopes as fit in a frame, in order; `build`
 * makes the envelope for a chunk. Always returns at least one envelope (the
 * empty list, when there is nothing), so a reply in parts always has a last
 * part. Send them as the parts of one reply (a Handler may return the array)
 * or as separate pushes.
 */
export function fitFrames<T>(items: readonly T[], build: (chunk: T[]) => EnvelopeInit, options: FitOptions<T> = {}): EnvelopeInit[] {
  const limit = (options.limit ?? MAX_FRAME_BYTES) - HEADROOM;
  const empty = encodeEnvelope(build([])).length;
  const costOf = options.cost ?? ((item: T) => encodeEnvelope(build([item])).length - empty);
  const out: EnvelopeInit[] = [];
  let chunk: T[] = [];
  let bytes = empty;
  for (const item of items) {
    // An item's share of the frame: what it adds to the empty list (its tag, length and body).
    const cost = costOf(item);
    if (empty + cost > limit) {
      options.tooLarge?.(item, empty + cost);
      continue;
    }
    if (bytes + cost > limit && chunk.length > 0) {
      out.push(build(chunk));
      chunk = [];
      bytes = empty;
    }
    chunk.push(item);
    bytes += cost;
  }
  if (chunk.length > 0 || out.length === 0) out.push(build(chunk));
  return out;
}

/**
 * The frames of a reply sent in parts, read as one envelope: concatenated
 * protobuf messages decode as their merge, so the parts' lists join up.
 */
export function mergeParts(frames: readonly Uint8Array[]): DecodeResult {
  const merged = decodeEnvelope(Buffer.concat(frames));
  // proto3 never encodes a false bool, so the merge kept the earlier parts' `more`.
  if (merged.ok) merged.envelope.more = false;
  return merged;
}
