// The operator's policy: kept in the data folder (policy.json, written whole
// and renamed into place), sent to each agent with its action set and pushed
// to every agent when it changes.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sonde } from '@sonde/protocol';
import type { Bus } from '../bus/bus.js';
import { checkPolicy } from './policy-check.js';

export class PolicyHolder {
  private policy: sonde.v1.IPolicy = {};
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly bus: Bus,
    private readonly now: () => number,
    log: (msg: string) => void,
  ) {
    this.file = join(dataDir, 'policy.json');
    try {
      const stored = sonde.v1.Policy.fromObject(JSON.parse(readFileSync(this.file, 'utf8')));
      this.policy = { ...checkPolicy(stored), updatedAtMs: stored.updatedAtMs, updatedBy: stored.updatedBy };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`${this.file} could not be read (${err instanceof Error ? err.message : String(err)}); starting with the default policy`);
    }
  }

  current(): sonde.v1.IPolicy {
    return this.policy;
  }

  /** Replaces the policy (checked first: a RequestError says what is wrong), stores it and pushes it to every agent. */
  set(p: sonde.v1.IPolicy, who: string): sonde.v1.IPolicy {
    const next: sonde.v1.IPolicy = { ...checkPolicy(p), updatedAtMs: this.now(), updatedBy: who };
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(sonde.v1.Policy.toObject(sonde.v1.Policy.fromObject(next), { longs: Number, enums: String })));
    renameSync(tmp, this.file);
    this.policy = next;
    this.bus.toAllAgents({ policy: next });
    return next;
  }
}
