// Text as the agent may send and show it: cut at a limit without splitting a
// surrogate pair, lone surrogates replaced (protobufjs would encode them as
// invalid UTF-8, and the gateway refuses a batch holding one), and strings
// too long to read on a hit named instead of read: V8 flattens a string
// built by concatenation (or repeat) on the first read of any of its
// characters, which for 100 MB is a 100 MB copy.
import { cutAt } from '@sonde/protocol';

/** Longest string a hit reads any characters of (flattening this much costs about a millisecond). */
export const MAX_READ_CHARS = 1 << 20;

/** Taken at load, bound to be called on a string: a program may replace String.prototype's methods. */
const toWellFormed = Function.prototype.call.bind((String.prototype as unknown as { toWellFormed(this: string): string }).toWellFormed) as (s: string) => string;

/** The string with each lone surrogate replaced by U+FFFD. */
export function wellFormed(s: string): string {
  return toWellFormed(s);
}

export { cutAt };

/** What a hit shows instead of a string it does not read. */
export function unreadString(length: number): string {
  return `<string of ${length} characters, not read: over ${MAX_READ_CHARS}>`;
}

/** s cut to `max` and marked with …, or named when too long to read. */
export function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  if (s.length > MAX_READ_CHARS) return unreadString(s.length);
  return `${cutAt(s, max)}…`;
}
