// The ScriptPatcher of each script that has probes, by scriptId, and the one
// per path (its newest script). When a path is compiled again, its probes
// move to the newest script.

import type { InspectorClient } from './inspector-client.js';
import type { Probe } from './probe.js';
import { ScriptPatcher, type PatcherListener } from './script-patcher.js';
import type { ScriptInfo, ScriptRegistry } from './scripts.js';

export class Patchers {
  private readonly byScript = new Map<string, ScriptPatcher<Probe>>();
  private readonly byPath = new Map<string, ScriptPatcher<Probe>>();

  constructor(
    private readonly client: InspectorClient,
    private readonly listener: PatcherListener<Probe>,
    private readonly schedule: (task: () => Promise<void>) => void,
  ) {}

  async for(script: ScriptInfo): Promise<ScriptPatcher<Probe>> {
    const known = this.byScript.get(script.scriptId);
    if (known !== undefined) return known;
    const patcher = await ScriptPatcher.open(this.client, script, this.listener, this.schedule);
    this.byScript.set(script.scriptId, patcher);
    this.byPath.set(script.path, patcher);
    return patcher;
  }

  forgetIfEmpty(patcher: ScriptPatcher<Probe>): void {
    if (!patcher.isEmpty) return;
    this.byScript.delete(patcher.info.scriptId);
    if (this.byPath.get(patcher.info.path) === patcher) this.byPath.delete(patcher.info.path);
  }

  /** True when a newly parsed script replaces one that has probes (the path was compiled again). */
  replacesProbed(info: ScriptInfo): boolean {
    const older = this.byPath.get(info.path);
    return older !== undefined && older.info.scriptId !== info.scriptId && older.hasProbes;
  }

  /** Takes the probes out of scripts that are no longer their path's newest, handing each to `wait` (for the newest). */
  async takeRecompiled(registry: ScriptRegistry, wait: (probe: Probe, path: string) => void): Promise<void> {
    for (const [path, patcher] of [...this.byPath]) {
      const newest = registry.newest(path);
      if (newest === undefined || newest.scriptId === patcher.info.scriptId || !patcher.hasProbes) continue;
      for (const probe of await patcher.takeAll()) {
        probe.patcher = undefined;
        wait(probe, path);
      }
      this.forgetIfEmpty(patcher);
    }
  }

  /** Removes every probe (restoring sources as far as V8 allows) and forgets every patcher. */
  async closeAll(): Promise<void> {
    for (const patcher of this.byScript.values()) await patcher.close();
    this.byScript.clear();
    this.byPath.clear();
  }
}
