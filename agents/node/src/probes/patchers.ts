// The ScriptPatcher of each script that has probes, by scriptId, and the one
// per path (its newest script). When a path is compiled again, its probes
// move to the newest script. Probes are staged in their patchers, then every
// patcher touched since the last apply gets one new source (applyStaged).

import type { Probe } from './probe.js';
import { ScriptPatcher, type PatcherContext } from './script-patcher.js';
import type { ScriptInfo, ScriptRegistry } from './scripts.js';

export class Patchers {
  private readonly byScript = new Map<string, ScriptPatcher<Probe>>();
  private readonly byPath = new Map<string, ScriptPatcher<Probe>>();
  /** Patchers with staged changes not applied yet. */
  private readonly touched = new Set<ScriptPatcher<Probe>>();

  constructor(private readonly ctx: PatcherContext<Probe>) {}

  async for(script: ScriptInfo): Promise<ScriptPatcher<Probe>> {
    const known = this.byScript.get(script.scriptId);
    if (known !== undefined) return known;
    const patcher = await ScriptPatcher.open(this.ctx, script);
    this.byScript.set(script.scriptId, patcher);
    this.byPath.set(script.path, patcher);
    return patcher;
  }

  /** The script's own source, without our probes (V8's copy of a patched script carries them). */
  originalSource(script: ScriptInfo): Promise<string> {
    const patcher = this.byScript.get(script.scriptId);
    return patcher !== undefined ? Promise.resolve(patcher.original) : this.ctx.client.scriptSource(script.scriptId);
  }

  /** Puts the probe in its patcher; it goes live at the next applyStaged(). */
  stage(patcher: ScriptPatcher<Probe>, probe: Probe): void {
    patcher.stage(probe);
    this.touched.add(patcher);
  }

  /** Takes the probe out of its patcher; its code leaves at the next applyStaged(). */
  unstage(probe: Probe): void {
    const patcher = probe.patcher;
    if (patcher === undefined) return;
    probe.patcher = undefined;
    patcher.unstage(probe);
    this.touched.add(patcher);
  }

  /** One new source (and breakpoint update) per patcher with staged changes. */
  async applyStaged(): Promise<void> {
    for (const patcher of [...this.touched]) {
      this.touched.delete(patcher);
      await patcher.apply();
      this.forgetIfEmpty(patcher);
      await this.ctx.pause();
    }
  }

  forgetIfEmpty(patcher: ScriptPatcher<Probe>): void {
    if (!patcher.isEmpty) return;
    patcher.dispose();
    this.byScript.delete(patcher.info.scriptId);
    if (this.byPath.get(patcher.info.path) === patcher) this.byPath.delete(patcher.info.path);
  }

  /** True when a newly parsed script replaces one that has probes (the path was compiled again). */
  replacesProbed(info: ScriptInfo): boolean {
    const older = this.byPath.get(info.path);
    return older !== undefined && older.info.scriptId !== info.scriptId && older.hasProbes;
  }

  /** Takes the probes out of scripts that are no longer their path's newest, handing each to `wait` (for the newest). */
  takeRecompiled(registry: ScriptRegistry, wait: (probe: Probe, path: string) => void): void {
    for (const [path, patcher] of [...this.byPath]) {
      const newest = registry.newest(path);
      if (newest === undefined || newest.scriptId === patcher.info.scriptId || !patcher.hasProbes) continue;
      for (const probe of patcher.unstageAll()) {
        probe.patcher = undefined;
        wait(probe, path);
      }
      this.touched.add(patcher);
    }
  }

  /** Removes every probe (restoring sources as far as V8 allows) and forgets every patcher. */
  async closeAll(): Promise<void> {
    this.touched.clear();
    for (const patcher of this.byScript.values()) await patcher.close();
    this.byScript.clear();
    this.byPath.clear();
  }
}
