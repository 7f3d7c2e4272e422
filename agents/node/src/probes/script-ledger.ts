// Which scripts are real compiles of a file, as opposed to V8's leftovers.
//
// Every Debugger.setScriptSource call (even a refused one or a dry run)
// leaves behind an extra Script with the same url. V8 never announces it to
// the session that made the edit, and never collects it, but replays it to
// every session that enables the debugger later, in no particular order.
// Patching a leftover "succeeds" and changes nothing. So, process-wide: a
// script announced live, or replayed before any edit of its url was made, is
// trusted; a script first seen in a replay after its url was edited may be
// a leftover. (Edits of other files leave no copy of this one: a file loaded
// while no session listened, first seen in a later replay, is genuine.)

const trusted = new Set<string>();
const edited = new Set<string>();

/** Call before each setScriptSource of a script with this url: from now on replays may hold leftovers of it. */
export function noteLiveEdit(url: string): void {
  edited.add(url);
}

/** Records a script the inspector reported; `replayed` when it came with Debugger.enable's replay. */
export function noteScript(scriptId: string, url: string, replayed: boolean): void {
  if (!replayed || !edited.has(url)) trusted.add(scriptId);
}

export function isTrusted(scriptId: string): boolean {
  return trusted.has(scriptId);
}
