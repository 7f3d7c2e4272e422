// The own keys of an object that a rendering shows. V8 has no lazy way to
// list keys: Object.keys, for…in with an early break and every other way
// collect all of them first (measured on Node 20.20: a million keys take
// 0.5–1 s, for…in included). So an object found with more than LARGE_KEYS
// keys is remembered, weakly: later hits show the keys listed then, with
// their current values, and never list them again.

const ownKeys = Object.keys;

/** Objects with more keys than this are listed once. */
export const LARGE_KEYS = 10_000;

interface Listed {
  /** The first keys, as many as the rendering that listed them showed. */
  readonly keys: readonly string[];
  readonly total: number;
}

const listedOnce = new WeakMap<object, Listed>();

export interface KeysToShow extends Listed {
  /** True when the keys come from an earlier hit (the object is large). */
  readonly earlier: boolean;
}

/** Up to `shown` keys of o (never a proxy: the caller checks) and how many it has. */
export function keysToShow(o: object, shown: number): KeysToShow {
  const known = listedOnce.get(o);
  if (known !== undefined) return { keys: known.keys, total: known.total, earlier: true };
  const keys = ownKeys(o);
  if (keys.length > LARGE_KEYS) listedOnce.set(o, { keys: keys.slice(0, shown), total: keys.length });
  return { keys, total: keys.length, earlier: false };
}
