// The breakpoints that serve a script's probes not in its source: ONE per
// location (V8 refuses a second: "Breakpoint at specified location already
// exists"), whose condition runs every probe there and answers false.
// Kept in step with the probes they serve: a location whose probes or
// condition changed, or whose function a new source replaced, is set again.

import { compileProblem } from './code-check.js';
import type { InspectorClient } from './inspector-client.js';
import { renderSiteCondition, type SiteProbe } from './site-code.js';

export interface BreakpointGroup<T> {
  /** 0-based, as V8 counts. */
  lineNumber: number;
  columnNumber: number;
  probes: T[];
  /** The probes' code at this site, when it differs from theirs (snapshots read the names there). */
  sites?: SiteProbe[];
}

/** A failure: the breakpoint moved to another line (no code there), V8 refused it (`error`), or its condition would not compile (`uncompilable`, V8's error). */
export interface SetFailure<T> {
  group: BreakpointGroup<T>;
  moved: boolean;
  error?: string;
  uncompilable?: string;
}

export class SiteBreakpoints<T extends SiteProbe> {
  private readonly set = new Map<string, { id: string; condition: string }>();

  constructor(
    private readonly client: InspectorClient,
    private readonly scriptId: string,
    private readonly pause: () => Promise<void>,
    /** The runtime counter each condition counts its passes on. */
    private readonly counter: number,
  ) {}

  has(key: string): boolean {
    return this.set.has(key);
  }

  get size(): number {
    return this.set.size;
  }

  /** Makes the breakpoints exactly `wanted` (by location key); returns the groups that could not be set. */
  async sync(wanted: Map<string, BreakpointGroup<T>>, sourceChanged: boolean): Promise<SetFailure<T>[]> {
    const conditions = new Map([...wanted].map(([key, g]) => [key, renderSiteCondition(g.sites ?? g.probes, this.counter)]));
    for (const [key, bp] of [...this.set]) {
      if (!sourceChanged && conditions.get(key) === bp.condition) continue;
      this.set.delete(key);
      await this.client.removeBreakpoint(bp.id).catch(() => undefined); // already gone with an old source
      await this.pause();
    }
    const failed: SetFailure<T>[] = [];
    for (const [key, group] of wanted) {
      if (this.set.has(key)) continue;
      const outcome = await this.setOne(group, conditions.get(key)!);
      if (outcome.ok) this.set.set(key, { id: outcome.id, condition: conditions.get(key)! });
      else failed.push({ group, moved: outcome.moved, error: outcome.error, uncompilable: outcome.uncompilable });
      await this.pause();
    }
    return failed;
  }

  private async setOne(group: BreakpointGroup<T>, condition: string): Promise<{ ok: true; id: string } | { ok: false; moved: boolean; error?: string; uncompilable?: string }> {
    const { lineNumber, columnNumber } = group;
    const problem = compileProblem(condition);
    if (problem !== undefined) return { ok: false, moved: false, uncompilable: problem };
    let result;
    try {
      result = await this.client.setBreakpoint({ scriptId: this.scriptId, lineNumber, columnNumber }, condition);
    } catch (err) {
      return { ok: false, moved: false, error: err instanceof Error ? err.message : String(err) };
    }
    if (result.actualLocation.lineNumber !== lineNumber) {
      await this.client.removeBreakpoint(result.breakpointId).catch(() => undefined);
      return { ok: false, moved: true, error: '' };
    }
    return { ok: true, id: result.breakpointId };
  }
}
