// What each realm role allows, and the tag scope, checked on every request.
// sonde-viewer sees agents, actions and events; sonde-debugger adds and
// removes logs, counters, tic-tocs and metrics; sonde-capture adds snapshots
// (they read variables: more sensitive than logs); sonde-admin does all of
// that and the policy, agent keys and other people's actions. Debugger and
// capture imply view. --insecure-dev's principal may do everything.
import { sonde } from '@sonde/protocol';
import type { Principal } from './principal.js';
import { ANY_TAG } from './token-claims.js';

export type Permission = 'view' | 'debug' | 'capture' | 'admin';

export const ROLES = { view: 'sonde-viewer', debug: 'sonde-debugger', capture: 'sonde-capture', admin: 'sonde-admin' } as const;
const GRANTED_BY: Record<Permission, readonly string[]> = {
  view: [ROLES.view, ROLES.debug, ROLES.capture, ROLES.admin],
  debug: [ROLES.debug, ROLES.admin],
  capture: [ROLES.capture, ROLES.admin],
  admin: [ROLES.admin],
};

export function allows(principal: Principal, permission: Permission): boolean {
  return principal.kind === 'dev' || principal.roles.some((r) => GRANTED_BY[permission].includes(r));
}

/** Why the principal may not do `what` (needs `permission`), or undefined when it may. */
export function refusal(principal: Principal, permission: Permission, what: string): string | undefined {
  if (allows(principal, permission)) return undefined;
  const held = principal.roles.filter((r) => r.startsWith('sonde-'));
  return `${what} needs the role ${ROLES[permission]}; ${principal.name} has ${held.length > 0 ? held.join(', ') : 'no Sonde role'}: ask an administrator of the identity provider`;
}

/** The permission a new action of this kind needs. */
export function permissionFor(kind: sonde.v1.ActionKind | null | undefined): Permission {
  return kind === sonde.v1.ActionKind.ACTION_KIND_SNAPSHOT ? 'capture' : 'debug';
}

/** The tags the principal may target; undefined means every tag. */
export function scopeOf(principal: Principal): string[] | undefined {
  if (principal.tags === undefined || principal.tags.includes(ANY_TAG)) return undefined;
  return principal.tags;
}

/** Why a target's tags fall outside the principal's scope, or undefined when they do not. */
export function scopeRefusal(principal: Principal, tags: readonly string[]): string | undefined {
  const scope = scopeOf(principal);
  if (scope === undefined) return undefined;
  if (scope.length === 0) return `${principal.name} may target no agent tags (in no tag group of the identity provider): ask an administrator for a scope`;
  const outside = tags.filter((t) => !scope.includes(t));
  if (outside.length === 0) return undefined;
  return `${principal.name} may target agents tagged ${scope.join(', ')} only; the target names ${outside.join(', ')}`;
}

/** Who a push is for: clients whose principal may view agents with these tags (and holds `permission`, when given). */
export interface Audience {
  tags: readonly string[];
  permission?: Permission;
}

/** Whether the principal may see what an agent with these tags reports. */
export function mayView(principal: Principal, audience: Audience): boolean {
  if (!allows(principal, audience.permission ?? 'view')) return false;
  const scope = scopeOf(principal);
  return scope === undefined || audience.tags.some((t) => scope.includes(t));
}
