// The audit log as a table in the gateway's SQLite file, beside the store.
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

export class SqliteAuditLog implements AuditLog {
  /** Shares the connection the store opened (see openSqliteFile); whoever opened it closes it. */
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  append(entry: AuditEntry): void {
    this.db
      .prepare('INSERT INTO audit (time_ms, who, what, action_id, detail, remote) VALUES (?, ?, ?, ?, ?, ?)')
      .run(entry.timeMs, entry.who, entry.what, entry.actionId, entry.detail, entry.remote);
  }

  entries(): AuditEntry[] {
    return this.db
      .prepare('SELECT time_ms AS timeMs, who, what, action_id AS actionId, detail, remote FROM audit ORDER BY seq')
      .all() as AuditEntry[];
  }
}
