// The engine's probes by action id, and the room SONDE_MAX_PROBES leaves:
// a probe that failed for good (placement) holds none.

import type { Probe } from './probe.js';

export class ProbeTable extends Map<string, Probe> {
  private readonly failed = new Set<string>();

  constructor(readonly max: number) {
    super();
  }

  /** The probe failed for good: it stays (its state is reported) but holds no room. */
  markFailed(id: string): void {
    this.failed.add(id);
  }

  override delete(id: string): boolean {
    this.failed.delete(id);
    return super.delete(id);
  }

  override clear(): void {
    this.failed.clear();
    super.clear();
  }

  /** Probes that may still be installed under the limit. */
  get room(): number {
    return this.max - this.size + this.failed.size;
  }
}
