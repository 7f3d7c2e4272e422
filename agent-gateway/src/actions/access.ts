// Who may add and remove which action: the role its kind needs, the tags
// the person may target (an action's reach is narrowed to them), and whose
// action it is (only its creator or an admin removes it). permissions.ts
// says what each role allows.
import { sonde } from '@sonde/protocol';
import { allows, permissionFor, refusal, scopeOf, scopeRefusal } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';

const kindName = (kind: sonde.v1.ActionKind) => sonde.v1.ActionKind[kind]?.replace('ACTION_KIND_', '').toLowerCase().replace('tictoc', 'tic-toc') ?? 'action';

/** Why the principal may not add this (validated) action, or undefined. */
export function addRefusal(action: sonde.v1.Action, principal: Principal): string | undefined {
  return refusal(principal, permissionFor(action.kind), `adding a ${kindName(action.kind)}`) ?? scopeRefusal(principal, action.target?.tags ?? []);
}

/** The action takes its creator's subject, and its reach is narrowed to the tags the creator may target (whatever the client sent there). */
export function bindToCreator(action: sonde.v1.Action, principal: Principal): void {
  action.creatorSubject = principal.subject ?? '';
  const scope = scopeOf(principal);
  action.target = sonde.v1.Target.create({ ...(action.target ?? {}), anyTags: scope === undefined ? [] : [...scope] });
}

/** Why the principal may not remove this action, or undefined. */
export function removeRefusal(action: sonde.v1.Action, principal: Principal): string | undefined {
  const what = `removing a ${kindName(action.kind)}`;
  // The subject when both have one: a user name can be changed in the identity provider, the subject cannot.
  const same = action.creatorSubject && principal.subject ? action.creatorSubject === principal.subject : action.creator === principal.name;
  if (!same) {
    return allows(principal, 'admin') ? undefined : `${what} that ${action.creator || 'someone else'} created needs the role sonde-admin; ${principal.name} may remove their own`;
  }
  return refusal(principal, permissionFor(action.kind), what);
}
