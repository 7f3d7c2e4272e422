// The embedded store: one SQLite file in the data folder, holding the
// actions, the agents seen and the hit counts (and, through the same
// connection, the audit log: audit/sqlite.ts).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sonde } from '@sonde/protocol';
import type { Counts, GatewayStore, HitRow, KnownAgent, StoredRoute } from './store.js';

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
-- How each action was routed and the agents it went to (JSON: StoredRoute).
CREATE TABLE IF NOT EXISTS routes (
  action_id TEXT PRIMARY KEY,
  route TEXT NOT NULL
);
-- Agents report cumulative counts per process instance; totals sum the rows.
CREATE TABLE IF NOT EXISTS hits (
  action_id TEXT NOT NULL,
  instance TEXT NOT NULL,
  hits INTEGER NOT NULL,
  PRIMARY KEY (action_id, instance)
);
`;

/** Columns added to `hits` since its first version; a sonde.db from before gets them at open. */
const HIT_COLUMNS_ADDED = {
  dropped: 'INTEGER NOT NULL DEFAULT 0',
  suppressed: 'INTEGER NOT NULL DEFAULT 0',
  // When the gateway stored the row: how long the agent had to count what it reports next.
  at_ms: 'INTEGER NOT NULL DEFAULT 0',
} as const;

function migrate(db: Database.Database): void {
  const have = new Set((db.prepare('PRAGMA table_info(hits)').all() as { name: string }[]).map((c) => c.name));
  for (const [column, type] of Object.entries(HIT_COLUMNS_ADDED)) {
    if (!have.has(column)) db.exec(`ALTER TABLE hits ADD COLUMN ${column} ${type}`);
  }
}

// total() sums as a float, so many rows cannot overflow SQLite's integers; the cap keeps the sum exact-or-saturated.
const TOTALS = 'SELECT coalesce(total(hits), 0) AS hits, coalesce(total(dropped), 0) AS dropped, coalesce(total(suppressed), 0) AS suppressed FROM hits WHERE action_id = ?';
const capped = (n: number): number => Math.min(Math.round(n), Number.MAX_SAFE_INTEGER);

/** Opens (creating if need be) `sonde.db` in the data folder; the caller closes it. */
export function openSqliteFile(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'sonde.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

export class SqliteStore implements GatewayStore {
  // Prepared once: hit reports reach these on every event batch, and better-sqlite3 does not cache statements.
  private readonly selectHitRow: Database.Statement;
  private readonly upsertHits: Database.Statement;
  private readonly selectTotals: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    migrate(db);
    this.selectHitRow = db.prepare('SELECT hits, dropped, suppressed, at_ms AS atMs FROM hits WHERE action_id = ? AND instance = ?');
    this.upsertHits = db.prepare(
      'INSERT INTO hits (action_id, instance, hits, dropped, suppressed, at_ms) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM actions WHERE id = ?) ' +
        'ON CONFLICT (action_id, instance) DO UPDATE SET hits = excluded.hits, dropped = excluded.dropped, suppressed = excluded.suppressed, at_ms = excluded.at_ms',
    );
    this.selectTotals = db.prepare(TOTALS);
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
      this.db.prepare('DELETE FROM routes WHERE action_id = ?').run(id);
      return this.db.prepare('DELETE FROM actions WHERE id = ?').run(id).changes > 0;
    });
    return tx();
  }

  routes(): Map<string, StoredRoute> {
    const rows = this.db.prepare('SELECT action_id AS id, route FROM routes WHERE action_id IN (SELECT id FROM actions)').all() as { id: string; route: string }[];
    const out = new Map<string, StoredRoute>();
    for (const r of rows) {
      try {
        out.set(r.id, JSON.parse(r.route) as StoredRoute);
      } catch {
        // An unreadable route is one not known: the action is routed again as agents connect.
      }
    }
    return out;
  }

  putRoutes(routes: ReadonlyMap<string, StoredRoute>): void {
    const put = this.db.prepare('INSERT OR REPLACE INTO routes (action_id, route) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM actions WHERE id = ?)');
    this.db.transaction(() => {
      for (const [id, route] of routes) put.run(id, JSON.stringify(route), id);
    })();
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

  hitRow(actionId: string, instance: string): HitRow | undefined {
    return this.selectHitRow.get(actionId, instance) as HitRow | undefined;
  }

  putHits(instance: string, rows: ({ actionId: string } & HitRow)[]): Map<string, Counts> {
    const totals = new Map<string, Counts>();
    this.db.transaction(() => {
      for (const r of rows) this.upsertHits.run(r.actionId, instance, r.hits, r.dropped, r.suppressed, r.atMs, r.actionId);
      for (const r of rows) totals.set(r.actionId, this.totals(r.actionId));
    })();
    return totals;
  }

  totals(actionId: string): Counts {
    const t = this.selectTotals.get(actionId) as Counts;
    return { hits: capped(t.hits), dropped: capped(t.dropped), suppressed: capped(t.suppressed) };
  }
}
