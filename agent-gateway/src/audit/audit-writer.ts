// The entries the gateway writes for what a principal did, or was refused:
// one shape for all of them (who, subject, from where, outcome). A refusal is
// written first, then answered PERMISSION_DENIED with the same reason.
import { sonde } from '@sonde/protocol';
import { RequestError } from '@sonde/rpc';
import { refusal, type Permission } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { AuditLog } from './audit-log.js';

export class AuditWriter {
  constructor(
    private readonly log: AuditLog,
    private readonly now: () => number,
  ) {}

  done(principal: Principal, remote: string, what: string, detail: string, actionId = ''): void {
    this.log.append({ timeMs: this.now(), who: principal.name, subject: principal.subject, what, actionId, detail, remote });
  }

  refuse(principal: Principal, remote: string, what: string, reason: string, actionId = ''): never {
    this.log.append({ timeMs: this.now(), who: principal.name, subject: principal.subject, what, actionId, detail: reason, remote, outcome: 'refused' });
    throw new RequestError(sonde.v1.ErrorCode.ERROR_CODE_PERMISSION_DENIED, reason);
  }

  /** Refuses (`what` on the record, `doing` in the reason) unless the principal holds the permission. */
  need(principal: Principal, remote: string, permission: Permission, what: string, doing: string): void {
    const denied = refusal(principal, permission, doing);
    if (denied !== undefined) this.refuse(principal, remote, what, denied);
  }
}
