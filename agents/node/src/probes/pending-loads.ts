// Probes waiting for their file (absolute path) to load, and installing
// them once it has: after the loading module finished compiling, since the
// newest script for a path is the one that runs. A path compiled again sends
// its probes back here, to move to the newest script.

import { describe } from './describe.js';
import type { Patchers } from './patchers.js';
import type { Placer } from './placement.js';
import { ownerOf, type Probe } from './probe.js';
import type { ScriptInfo, ScriptRegistry } from './scripts.js';
import type { ReasonCode } from './types.js';

export interface LoadWork {
  readonly registry: ScriptRegistry;
  readonly patchers: Patchers;
  readonly placer: Placer;
  /** Runs a task on the engine's queue. */
  schedule(task: () => Promise<void>): void;
  fail(probe: Probe, reason: string, code: ReasonCode): void;
  /** Yields to the host when this turn's budget is spent. */
  pause(): Promise<void>;
}

export class PendingLoads {
  private readonly byPath = new Map<string, Set<Probe>>();
  private wakeUp: NodeJS.Immediate | undefined;

  constructor(private readonly work: LoadWork) {}

  get size(): number {
    return this.byPath.size;
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  add(probe: Probe, path: string): void {
    let set = this.byPath.get(path);
    if (set === undefined) this.byPath.set(path, (set = new Set()));
    set.add(probe);
  }

  /** Stops waiting for the probe, if it was. */
  delete(probe: Probe): void {
    const path = probe.path;
    const waiting = path === undefined ? undefined : this.byPath.get(path);
    if (waiting?.delete(probe) && waiting.size === 0) this.byPath.delete(path!);
  }

  /** Something loaded that may concern a waiting probe: install what can be, once the module has compiled. */
  wake(): void {
    if (this.wakeUp !== undefined) return;
    this.wakeUp = setImmediate(() => {
      this.wakeUp = undefined;
      this.work.schedule(() => this.installLoaded());
    });
  }

  clear(): void {
    this.byPath.clear();
    if (this.wakeUp !== undefined) clearImmediate(this.wakeUp);
  }

  private async installLoaded(): Promise<void> {
    const { registry, patchers, placer } = this.work;
    // A path compiled again: its probes move to the newest script.
    patchers.takeRecompiled(registry, (probe, path) => this.add(probe, path));
    const mapped = this.byPath.size > 0 ? placer.sources() : new Map<string, ScriptInfo[]>();
    for (const [path, probes] of [...this.byPath]) {
      const script = registry.newest(path);
      const builtFrom = script === undefined ? mapped.get(path) : undefined;
      if (script === undefined && builtFrom === undefined) continue;
      this.byPath.delete(path);
      for (const probe of probes) {
        if (ownerOf(probe).removed) continue;
        try {
          if (builtFrom === undefined) await placer.install(probe, script!);
          else {
            const refusal = await placer.installMapped(probe, builtFrom, path);
            if (refusal !== undefined) this.work.fail(probe, refusal.reason, refusal.code);
          }
        } catch (err) {
          this.work.fail(probe, `could not install the probe when ${path} loaded: ${describe(err)}`, 'internal-error');
        }
        await this.work.pause();
      }
    }
    // Every script's probes in one new source.
    await patchers.applyStaged();
  }
}
