// The claims the gateway reads from a verified access token: who (sub and
// preferred_username), the realm roles, the agent tags the person may target,
// and when the token expires. Tag scopes come in the `sonde_tags` claim,
// either as plain tags (an attribute mapper, another provider) or as group
// paths under /sonde-tags/ (the repo's realm maps group membership), where
// "*" means every tag.
import { TokenRefused, type VerifiedToken } from './token-verifier.js';

const TAG_GROUP = '/sonde-tags/';
export const ANY_TAG = '*';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

export function claimsOf(content: Record<string, unknown>): VerifiedToken {
  const subject = typeof content.sub === 'string' ? content.sub : '';
  if (!subject) throw new TokenRefused('the token names no subject (sub): the gateway cannot say who acts; check the identity provider\'s client');
  const realmAccess = content.realm_access as { roles?: unknown } | undefined;
  const userName = typeof content.preferred_username === 'string' && content.preferred_username ? content.preferred_username : subject;
  return {
    subject,
    userName,
    roles: strings(realmAccess?.roles),
    tags: 'sonde_tags' in content ? tagsOf(strings(content.sonde_tags)) : undefined,
    expiresAtMs: typeof content.exp === 'number' ? content.exp * 1000 : 0,
  };
}

/** Group paths under /sonde-tags/ give their last segment; other paths (groups for something else) give nothing. */
function tagsOf(values: readonly string[]): string[] {
  const tags = new Set<string>();
  for (const v of values) {
    if (!v.startsWith('/')) tags.add(v);
    else if (v.startsWith(TAG_GROUP) && v.length > TAG_GROUP.length) tags.add(v.slice(TAG_GROUP.length));
  }
  return [...tags];
}
