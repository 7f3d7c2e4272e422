// What an agent's hello may claim under its key: only tags the key allows,
// and only an agent id no other key has used (the first key to use an id
// owns it), so that a process with another key can neither impersonate a
// live agent nor take over its name later. A key revoked since the
// connection opened claims nothing.
import type { sonde } from '@sonde/protocol';
import type { Principal } from '../auth/principal.js';
import type { AgentKeys } from './agent-keys.js';

/** Why the hello is refused under this principal, or undefined. */
export function claimRefusal(hello: sonde.v1.IHello, principal: Principal, keys: AgentKeys | undefined): string | undefined {
  if (principal.keyId === undefined || keys === undefined) return undefined;
  const key = keys.get(principal.keyId);
  if (key === undefined || key.revokedAtMs > 0) return `the agent key ${principal.keyId} is revoked; ask an administrator for a new one`;
  const allowed = principal.tags;
  const outside = allowed === undefined ? [] : (hello.tags ?? []).filter((t) => !allowed.includes(t));
  if (outside.length > 0) return `the agent key ${key.id} allows the tags ${allowed!.join(', ')}; this agent claims ${outside.join(', ')}: remove them from SONDE_TAGS, or use a key that allows them`;
  const owner = keys.own(hello.agentId ?? '', key.id);
  if (owner !== key.id) return `the agent id "${hello.agentId}" belongs to another agent key (${owner}); give this agent its own SONDE_AGENT_ID, or the key that owns it`;
  return undefined;
}
