// The audit log as a table in the gateway's SQLite file, beside the store.
// Append-only: the code has no UPDATE or DELETE of it.
import type Database from 'better-sqlite3';
import type { AuditEntry, AuditLog } from './audit-log.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  who TEXT NOT NULL,
  what TEXT NOT NULL,
  action_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  remote TEXT NOT NULL
);
`;
/** Columns added after the first schema: an older file gains them, its rows read as done by nobody known, with success. */
const ADDED = [
  ['subject', "TEXT NOT NULL DEFAULT ''"],
  ['outcome', "TEXT NOT NULL DEFAULT 'ok'"],
] as const;

export class SqliteAuditLog implements AuditLog {
  /** Shares the connection the store opened (see openSqliteFile); whoever opened it closes it. */
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    const have = new Set((db.prepare('PRAGMA table_info(audit)').all() as { name: string }[]).map((c) => c.name));
    for (const [name, type] of ADDED) if (!have.has(name)) db.exec(`ALTER TABLE audit ADD COLUMN ${name} ${type}`);
  }

  append(entry: AuditEntry): void {
    this.db
      .prepare('INSERT INTO audit (time_ms, who, subject, what, action_id, detail, remote, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(entry.timeMs, entry.who, entry.subject ?? '', entry.what, entry.actionId, entry.detail, entry.remote, entry.outcome ?? 'ok');
  }

  entries(afterSeq = 0, limit = Number.MAX_SAFE_INTEGER): (AuditEntry & { seq: number })[] {
    return this.db
      .prepare('SELECT seq, time_ms AS timeMs, who, subject, what, action_id AS actionId, detail, remote, outcome FROM audit WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(afterSeq, limit) as (AuditEntry & { seq: number })[];
  }
}
