// What the gateway accepts as a policy: every list and string bounded (the
// policy travels with every action set), patterns that compile, quotas that
// are numbers. Whether a pattern could backtrack without bound is each
// agent's to judge too: it refuses such a pattern, keeps the rest and says so.

import { sonde } from '@sonde/protocol';
import { RequestError } from '@sonde/rpc';

const { ErrorCode } = sonde.v1;

export const MAX_POLICY_ENTRIES = 200;
export const MAX_POLICY_TEXT = 200;

function strings(field: string, list: readonly string[] | null | undefined): string[] {
  const out = [...(list ?? [])];
  if (out.length > MAX_POLICY_ENTRIES) throw bad(`${field} has ${out.length} entries; at most ${MAX_POLICY_ENTRIES}`);
  out.forEach((s, i) => {
    if (s.trim() === '') throw bad(`${field}[${i}] is empty`);
    if (s.length > MAX_POLICY_TEXT) throw bad(`${field}[${i}] is ${s.length} characters; at most ${MAX_POLICY_TEXT}`);
  });
  return out;
}

function bad(message: string): RequestError {
  return new RequestError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, `the policy was not changed: ${message}`);
}

/** The policy as the gateway stores it, or a RequestError saying what is wrong. */
export function checkPolicy(p: sonde.v1.IPolicy): sonde.v1.IPolicy {
  const patterns = strings('redact_patterns', p.redactPatterns);
  patterns.forEach((pattern, i) => {
    try {
      new RegExp(pattern, 'u');
    } catch (err) {
      throw bad(`redact_patterns[${i}] is not a regular expression (${err instanceof Error ? err.message : String(err)})`);
    }
  });
  const quotas = [...(p.quotas ?? [])];
  if (quotas.length > 16) throw bad(`quotas has ${quotas.length} entries; one per kind at most`);
  const kinds = new Set<number>();
  for (const q of quotas) {
    const kind = q.kind ?? 0;
    if (!sonde.v1.ActionKind[kind] || kind === sonde.v1.ActionKind.ACTION_KIND_UNSPECIFIED) throw bad(`a quota names no known action kind (${kind})`);
    if (kinds.has(kind)) throw bad(`two quotas for ${sonde.v1.ActionKind[kind]}`);
    kinds.add(kind);
    for (const [name, v] of Object.entries({ per_probe_per_second: q.perProbePerSecond, per_probe_burst: q.perProbeBurst, per_agent_per_second: q.perAgentPerSecond, per_agent_burst: q.perAgentBurst })) {
      if (v !== undefined && v !== null && !(Number.isFinite(v) && v >= 0)) throw bad(`${sonde.v1.ActionKind[kind]} quota ${name} is ${v}; a number of 0 or more (0 keeps the default)`);
    }
  }
  return {
    redactNames: strings('redact_names', p.redactNames),
    redactPatterns: patterns,
    blockedFiles: strings('blocked_files', p.blockedFiles),
    blockedFunctions: strings('blocked_functions', p.blockedFunctions),
    quotas,
  };
}
