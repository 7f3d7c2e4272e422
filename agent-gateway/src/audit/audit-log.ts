// Every change to actions, written down: who (the principal's name, or
// "gateway" for expiry), what, which action, and from where. Its own seam so
// that it can go where the store does not (a cluster's shared database, a
// log shipper) and be read by administrators.

export interface AuditEntry {
  timeMs: number;
  /** The user name or key id; "?" for a connection refused before anyone was verified. */
  who: string;
  /** The identity provider's subject, when a person acted; empty otherwise. */
  subject?: string;
  what: string;
  actionId: string;
  detail: string;
  remote: string;
  /** "ok", or "refused" for an attempt the gateway turned down (detail says why). Default ok. */
  outcome?: 'ok' | 'refused';
}

export interface AuditLog {
  /** Appends; there is no way to change or delete an entry. */
  append(entry: AuditEntry): void;
  /** Entries after `afterSeq` (0: from the first), oldest first, at most `limit`; each with its sequence number. */
  entries(afterSeq?: number, limit?: number): (AuditEntry & { seq: number })[];
}
