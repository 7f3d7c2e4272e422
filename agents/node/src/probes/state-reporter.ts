// The one owner of every action's state: the latest state of each action
// and which ones the agent has not sent yet. The agent drains it at each
// flush and marks everything unsent again on reconnect, so that no second
// table of the same states exists anywhere.
//
// Changes a probe reports are said once: the same state and reason twice in
// a row for one probe is dropped (patchers report on every reconcile).

import { describe } from './describe.js';
import type { ProbeSink, ProbeState, ProbeStateKind, ReasonCode } from './types.js';

export class StateReporter {
  /** Latest state of each action, in the order actions were first reported. */
  private readonly latest = new Map<string, ProbeState>();
  private readonly unsent = new Set<string>();
  /** The last change the action's current probe reported, for de-duplication and re-emission. */
  private readonly lastChange = new Map<string, ProbeState>();

  constructor(
    private readonly sink: ProbeSink,
    private readonly log: (message: string) => void,
  ) {}

  /** Records and says a state, whatever was said before. */
  report(actionId: string, state: ProbeStateKind, reason: string, code: ReasonCode): ProbeState {
    const s: ProbeState = { actionId, state, reason, code, timeMs: Date.now() };
    this.latest.set(actionId, s);
    this.unsent.add(actionId);
    try {
      this.sink.state?.(actionId, state, reason, code);
    } catch (err) {
      this.log(`the probe sink failed on a state of ${actionId}: ${describe(err)}`);
    }
    return s;
  }

  /** A probe's own change of state: said unless it repeats the last one. */
  change(actionId: string, state: ProbeStateKind, reason: string, code: ReasonCode): void {
    const last = this.lastChange.get(actionId);
    if (last !== undefined && last.state === state && last.reason === reason) return;
    this.lastChange.set(actionId, this.report(actionId, state, reason, code));
  }

  /** A new probe takes the action over: its first change is always said. */
  begin(actionId: string): void {
    this.lastChange.delete(actionId);
  }

  /** Says the probe's last change again (the gateway resent the same action). */
  reemit(actionId: string): boolean {
    const last = this.lastChange.get(actionId);
    if (last === undefined) return false;
    this.report(actionId, last.state, last.reason, last.code);
    return true;
  }

  /** The action is gone: its state is neither kept nor sent. */
  forget(actionId: string): void {
    this.latest.delete(actionId);
    this.unsent.delete(actionId);
    this.lastChange.delete(actionId);
  }

  /** Forgets every action not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const id of [...this.latest.keys(), ...this.lastChange.keys()]) if (!keep.has(id)) this.forget(id);
  }

  /** The states not sent yet, oldest first; they count as sent from now on. */
  takeUnsent(): ProbeState[] {
    const out: ProbeState[] = [];
    for (const id of this.unsent) {
      const s = this.latest.get(id);
      if (s !== undefined) out.push(s);
    }
    this.unsent.clear();
    return out;
  }

  /** Everything is to be sent again (a new connection knows nothing). */
  resendAll(): void {
    for (const id of this.latest.keys()) this.unsent.add(id);
  }
}
