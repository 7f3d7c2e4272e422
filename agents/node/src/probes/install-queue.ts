// The engine's install work, batched and paced: specs wait here until the
// queue's one drain task takes them all (a burst of upserts, or setAll at
// connect), compiles them, places them, stages them in their scripts'
// patchers and applies every touched patcher once: one new source per
// script for the whole batch. Between steps it yields to the host when the
// turn's budget is spent. Specs refused at the engine's probe limit wait
// here too, and go in when removals make room.

import type { Placement } from './placement.js';
import type { Probe } from './probe.js';
import type { AnySpec } from './types.js';

export interface InstallSteps {
  /** Runs a task on the engine's serial queue. */
  schedule(task: () => Promise<void>): void;
  /** Yields to the host when this turn's budget is spent. */
  pause(): Promise<void>;
  /** Stages a removed probe's removal (its slot is silenced already). */
  detach(probe: Probe): void;
  /** Compiles and registers a spec: the probe, or undefined when refused (its state says why). */
  admit(spec: AnySpec): Probe | undefined;
  /** Finds the probe's file and stages it there, or leaves it pending; `cache` lives for one batch. */
  place(probe: Probe, cache: Map<string, Placement>): Promise<void>;
  /** Applies every staged change: one new source per touched script. */
  apply(): Promise<void>;
}

export class InstallQueue {
  private readonly waiting = new Map<string, AnySpec>();
  private readonly overLimit = new Map<string, AnySpec>();
  private detaching: Probe[] = [];
  private scheduled = false;

  constructor(private readonly steps: InstallSteps) {}

  /** The spec waiting under this id, if one is. */
  get(id: string): AnySpec | undefined {
    return this.waiting.get(id) ?? this.overLimit.get(id);
  }

  add(spec: AnySpec): void {
    this.drop(spec.id);
    this.waiting.set(spec.id, spec);
    this.wake();
  }

  drop(id: string): void {
    this.waiting.delete(id);
    this.overLimit.delete(id);
  }

  /** Forgets every waiting spec not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const id of [...this.waiting.keys(), ...this.overLimit.keys()]) if (!keep.has(id)) this.drop(id);
  }

  detach(probe: Probe): void {
    this.detaching.push(probe);
    this.wake();
  }

  /** A spec refused at the probe limit: it waits for room. */
  park(spec: AnySpec): void {
    this.overLimit.set(spec.id, spec);
  }

  /** Room for `n` more probes: that many parked specs go in, oldest first. */
  room(n: number): void {
    for (const [id, spec] of this.overLimit) {
      if (n-- <= 0) break;
      this.overLimit.delete(id);
      this.waiting.set(id, spec);
    }
    if (this.waiting.size > 0) this.wake();
  }

  clear(): void {
    this.waiting.clear();
    this.overLimit.clear();
    this.detaching = [];
  }

  private wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.steps.schedule(() => this.drain());
  }

  /** Everything that arrives while it runs joins the batch. */
  private async drain(): Promise<void> {
    const { pause } = this.steps;
    try {
      while (this.waiting.size > 0 || this.detaching.length > 0) {
        for (const probe of this.detaching.splice(0)) this.steps.detach(probe);
        const admitted: Probe[] = [];
        for (const [id, spec] of this.waiting) {
          this.waiting.delete(id);
          const probe = this.steps.admit(spec);
          if (probe !== undefined) admitted.push(probe);
          await pause();
        }
        const cache = new Map<string, Placement>();
        for (const probe of admitted) {
          await this.steps.place(probe, cache);
          await pause();
        }
        await this.steps.apply();
      }
    } finally {
      this.scheduled = false;
    }
  }
}
