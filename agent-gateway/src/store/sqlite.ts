// The embedded store: one SQLite file in the data folder, holding the
// actions, the agents seen and the hit counts (and, through the same
// connection, the audit log: audit/sqlite.ts).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sonde } from '@sonde/protocol';
import type { GatewayStore, KnownAgent } from './store.js';

type Action = sonde.v1.Action;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS actions (
  id TEXT PRIMARY KEY,
  body BLOB NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS agents (
  agent_id TEXT PRIMARY KEY,
  hello BLOB NOT NULL,
  last_seen_ms INTEGER NOT NULL
);
-- Agents report cumulative hits per process instance; totals sum the rows.
CREATE TABLE IF NOT EXISTS hits (
  action_id TEXT NOT NULL,
  instance TEXT NOT NULL,
  hits INTEGER NOT NULL,
  PRIMARY KEY (action_id, instance)
);
`;

/** Opens (creating if need be) `sonde.db` in the data folder; the caller closes it. */
export function openSqliteFile(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'sonde.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

export class SqliteStore implements GatewayStore {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  actions(): Action[] {
    const rows = this.db.prepare('SELECT body FROM actions ORDER BY created_at_ms, id').all() as { body: Buffer }[];
    return rows.map((r) => sonde.v1.Action.decode(r.body));
  }

  putAction(action: Action): void {
    this.db
      .prepare('INSERT OR REPLACE INTO actions (id, body, created_at_ms) VALUES (?, ?, ?)')
      .run(action.id, Buffer.from(sonde.v1.Action.encode(action).finish()), action.createdAtMs);
  }

  deleteAction(id: string): boolean {
    const tx = this.db.transaction(() => {
      this.db.prepare('DELETE FROM hits WHERE action_id = ?').run(id);
      return this.db.prepare('DELETE FROM actions WHERE id = ?').run(id).changes > 0;
    });
    return tx();
  }

  putAgent(hello: sonde.v1.IHello, nowMs: number): void {
    this.db
      .prepare('INSERT OR REPLACE INTO agents (agent_id, hello, last_seen_ms) VALUES (?, ?, ?)')
      .run(hello.agentId, Buffer.from(sonde.v1.Hello.encode({ ...hello, files: [] }).finish()), nowMs);
  }

  knownAgents(): KnownAgent[] {
    const rows = this.db.prepare('SELECT hello, last_seen_ms FROM agents ORDER BY agent_id').all() as { hello: Buffer; last_seen_ms: number }[];
    return rows.map((r) => ({ hello: sonde.v1.Hello.decode(r.hello), lastSeenMs: r.last_seen_ms }));
  }

  putHits(instance: string, counts: { actionId: string; hits: number }[]): Map<string, number> {
    const upsert = this.db.prepare(
      'INSERT INTO hits (action_id, instance, hits) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM actions WHERE id = ?) ' +
        'ON CONFLICT (action_id, instance) DO UPDATE SET hits = max(hits, excluded.hits)',
    );
    const total = this.db.prepare('SELECT coalesce(sum(hits), 0) AS n FROM hits WHERE action_id = ?');
    const totals = new Map<string, number>();
    this.db.transaction(() => {
      for (const c of counts) upsert.run(c.actionId, instance, c.hits, c.actionId);
      for (const c of counts) totals.set(c.actionId, (total.get(c.actionId) as { n: number }).n);
    })();
    return totals;
  }

  totalHits(actionId: string): number {
    return (this.db.prepare('SELECT coalesce(sum(hits), 0) AS n FROM hits WHERE action_id = ?').get(actionId) as { n: number }).n;
  }
}
