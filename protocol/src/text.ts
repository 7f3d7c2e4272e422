// Cutting text that goes on the wire: a cut must never leave half of a UTF-16
// surrogate pair, which protobufjs would encode as invalid UTF-8 and the
// other end refuse. Shared by every TypeScript peer.

/** The first `max` UTF-16 units of s, one fewer when the cut would leave half a surrogate pair. */
export function cutAt(s: string, max: number): string {
  if (s.length <= max) return s;
  const last = s.charCodeAt(max - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
