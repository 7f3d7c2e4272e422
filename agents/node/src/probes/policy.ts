// The operator's policy as the agent applies it: redaction (names and value
// patterns on top of the defaults), files and functions no probe may go in,
// and each kind's quota. set() applies a new one live; probes already
// installed read the redaction and budgets at their next hit.

import { Quotas, type BudgetSettings, type QuotaOptions } from './quota.js';
import { Redaction } from './redaction.js';
import type { AnySpec } from './types.js';

export interface PolicySettings {
  redactNames?: readonly string[];
  redactPatterns?: readonly string[];
  /** Globs on the workspace-relative path: `*` within a segment, `**` across segments, `?` one character. */
  blockedFiles?: readonly string[];
  blockedFunctions?: readonly string[];
  quotas?: Readonly<Record<string, BudgetSettings | undefined>>;
}

/** A glob as a regex anchored on the whole path, or on a tail of whole segments when it has no slash. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(glob.includes('/') ? `^${re}$` : `(?:^|/)${re}$`);
}

export class AgentPolicy {
  readonly redaction = new Redaction();
  readonly quotas: Quotas;
  private files: { glob: string; re: RegExp }[] = [];
  private functions = new Set<string>();

  constructor(quota?: QuotaOptions) {
    this.quotas = new Quotas(quota);
  }

  /** Applies a policy; returns what in it was refused (a pattern that could backtrack without bound, say), with why. */
  set(p: PolicySettings): string[] {
    const refused = this.redaction.set({ names: p.redactNames, patterns: p.redactPatterns });
    this.files = (p.blockedFiles ?? []).map((glob) => ({ glob, re: globToRegExp(glob.replace(/\\/g, '/')) }));
    this.functions = new Set(p.blockedFunctions ?? []);
    this.quotas.apply(p.quotas ?? {});
    return refused;
  }

  /** The probes among these that the policy now blocklists (by file, or by a function around them), with why. */
  blockedAmong(probes: ReadonlyMap<string, { readonly spec: Pick<AnySpec, 'file'>; readonly functions?: readonly string[] }>): [string, string][] {
    const out: [string, string][] = [];
    for (const [id, p] of probes) {
      const why = this.blockReason(p.spec) ?? this.functionBlockReason(p.functions ?? []);
      if (why !== undefined) out.push([id, why]);
    }
    return out;
  }

  /** Why the policy refuses a probe at this spec's file, or undefined. */
  blockReason(spec: Pick<AnySpec, 'file'>): string | undefined {
    const file = spec.file.replace(/\\/g, '/').replace(/^\.\//, '');
    const hit = this.files.find((f) => f.re.test(file));
    return hit === undefined ? undefined : `${spec.file} is blocklisted by the policy (${hit.glob}); no probe goes in it`;
  }

  /** Why the policy refuses a probe inside these functions (innermost first; a method also as Class.method), or undefined. */
  functionBlockReason(names: readonly string[]): string | undefined {
    if (this.functions.size === 0) return undefined;
    const hit = names.find((n) => this.functions.has(n));
    return hit === undefined ? undefined : `function ${hit} is blocklisted by the policy; no probe goes in it`;
  }
}
