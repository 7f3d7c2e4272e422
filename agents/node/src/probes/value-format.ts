// Turns one probe value into text for a log line. Strings go in verbatim,
// primitives take a fast path (this runs on every hit), objects go through
// safeInspect, which never runs program code. Every value is cut to
// MAX_VALUE_CHARS and the cut is marked, never silent.

import { Marker } from './safe-ops.js';
import { safeInspect } from './safe-inspect.js';

export const MAX_VALUE_CHARS = 255;
const CUT_MARK = '…';

function cut(text: string): string {
  return text.length <= MAX_VALUE_CHARS ? text : text.slice(0, MAX_VALUE_CHARS) + CUT_MARK;
}

export function formatValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v.length <= MAX_VALUE_CHARS ? v : v.slice(0, MAX_VALUE_CHARS) + CUT_MARK;
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
