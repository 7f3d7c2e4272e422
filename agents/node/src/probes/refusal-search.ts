// Finds, in few tries, which of a batch of probe changes V8 refuses: the
// whole batch first, then each half (split between statements), down to
// single changes, until the tries run out (each costs the host a recompile
// of the script). Changes at one statement are in one function, so V8
// blocks them together: such a group is not split further when blocked.

export type PatchOutcome = { ok: true } | { ok: false; blocked: boolean; status: string; detail: string };

export interface SearchOps<T> {
  /** Offset of the statement the change is at, for grouping. */
  siteOf(change: T): number;
  /** Tries the current source with these changes on top. */
  attempt(changes: readonly T[]): Promise<PatchOutcome>;
  /** V8 refused exactly these changes. */
  refused(changes: readonly T[], outcome: PatchOutcome): void;
  pause(): Promise<void>;
}

/** Changes sorted by site; true when some new source went in. */
export async function applyWhatV8Takes<T>(changes: readonly T[], ops: SearchOps<T>, maxTries: number): Promise<boolean> {
  const run = { changed: false, tries: maxTries };
  await settle(changes, ops, run);
  return run.changed;
}

async function settle<T>(changes: readonly T[], ops: SearchOps<T>, run: { changed: boolean; tries: number }): Promise<void> {
  if (changes.length === 0 || run.tries <= 0) return;
  run.tries--;
  const outcome = await ops.attempt(changes);
  if (outcome.ok) {
    run.changed = true;
    return;
  }
  const oneSite = ops.siteOf(changes[0]!) === ops.siteOf(changes.at(-1)!);
  if (changes.length === 1 || (oneSite && outcome.blocked)) {
    ops.refused(changes, outcome);
    return;
  }
  const mid = splitPoint(changes, oneSite, ops);
  await ops.pause();
  await settle(changes.slice(0, mid), ops, run);
  await settle(changes.slice(mid), ops, run);
}

/** Near the middle, at a change of site when there is one. */
function splitPoint<T>(changes: readonly T[], oneSite: boolean, ops: SearchOps<T>): number {
  const mid = changes.length >> 1;
  if (oneSite) return mid;
  for (let d = 0; d < changes.length; d++) {
    for (const i of [mid - d, mid + d]) {
      if (i > 0 && i < changes.length && ops.siteOf(changes[i - 1]!) !== ops.siteOf(changes[i]!)) return i;
    }
  }
  return mid;
}
