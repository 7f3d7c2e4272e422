// Turns one probe value into text for a log line. Strings go in verbatim,
// primitives take a fast path (this runs on every hit), objects go through
// safeInspect, which never runs program code. Every value is cut to
// MAX_VALUE_CHARS and the cut is marked, never silent; a string too long to
// read on a hit is named instead (text-limits.ts).

import { Marker } from './safe-ops.js';
import { safeInspect } from './safe-inspect.js';
import { shorten } from './text-limits.js';

export const MAX_VALUE_CHARS = 255;

function cut(text: string): string {
  return text.length <= MAX_VALUE_CHARS ? text : shorten(text, MAX_VALUE_CHARS);
}

export function formatValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v.length <= MAX_VALUE_CHARS ? v : shorten(v, MAX_VALUE_CHARS);
    case 'number':
      return v === 0 && 1 / v < 0 ? '-0' : '' + v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return v + 'n';
    case 'symbol':
      return cut(String(v)); // String() on a symbol does not look up toString
    default:
      if (v === null) return 'null';
      if (Marker.is(v)) return v.text;
      return cut(safeInspect(v));
  }
}
