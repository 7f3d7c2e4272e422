// Every change to actions, written down: who (the principal's name, or
// "gateway" for expiry), what, which action, and from where. Its own seam so
// that it can go where the store does not (a cluster's shared database, a
// log shipper) and be read by administrators.

export interface AuditEntry {
  timeMs: number;
  who: string;
  what: string;
  actionId: string;
  detail: string;
  remote: string;
}

export interface AuditLog {
  append(entry: AuditEntry): void;
  /** Every entry, oldest first. */
  entries(): AuditEntry[];
}
