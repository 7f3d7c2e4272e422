// Which scripts are real compiles of a file, as opposed to V8's leftovers.
//
// Every Debugger.setScriptSource call (even a refused one or a dry run)
// leaves behind an extra Script with the same url. V8 never announces it to
// the session that made the edit, and never collects it, but replays it to
// every session that enables the debugger later, in no particular order.
// Patching a leftover "succeeds" and changes nothing. So, process-wide: a
// script announced live, or replayed before any edit was made, is trusted;
// a script first seen in a replay after edits may be a leftover.

const trusted = new Set<string>();
let edits = 0;

/** Call before each setScriptSource: from now on replays may hold leftovers. */
export function noteLiveEdit(): void {
  edits++;
}

/** Records a script the inspector reported; `replayed` when it came with Debugger.enable's replay. */
export function noteScript(scriptId: string, replayed: boolean): void {
  if (!replayed || edits === 0) trusted.add(scriptId);
}

export function isTrusted(scriptId: string): boolean {
  return trusted.has(scriptId);
}
