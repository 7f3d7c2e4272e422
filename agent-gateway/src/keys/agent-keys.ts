// Agent keys, in the gateway's SQLite file: created by an admin, shown once,
// kept as a SHA-256 of their secret (a random 32-byte secret needs no slow
// hash: nothing to guess), scoped to tags, revoked for good. An agent id
// belongs to the key that first used it, so that no other key's process can
// take over its name.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';

/** The credential an agent sends: `sonde_ak_<id>_<secret>`. */
const PREFIX = 'sonde_ak_';
const FORMAT = /^sonde_ak_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface AgentKeyRecord {
  id: string;
  tags: string[];
  description: string;
  createdBy: string;
  createdAtMs: number;
  revokedAtMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS agent_keys (
  id TEXT PRIMARY KEY,
  secret_sha256 BLOB NOT NULL,
  tags TEXT NOT NULL,
  description TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS agent_owners (
  agent_id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL
);
`;

const sha256 = (s: string) => createHash('sha256').update(s).digest();

interface Row {
  id: string;
  secret_sha256: Buffer;
  tags: string;
  description: string;
  created_by: string;
  created_at_ms: number;
  revoked_at_ms: number;
}

const recordOf = (r: Row): AgentKeyRecord => ({ id: r.id, tags: JSON.parse(r.tags) as string[], description: r.description, createdBy: r.created_by, createdAtMs: r.created_at_ms, revokedAtMs: r.revoked_at_ms });

export type KeyCheck = { key: AgentKeyRecord } | { refused: string };

export class AgentKeys {
  /** Shares the connection the store opened; whoever opened it closes it. */
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  create(tags: readonly string[], description: string, createdBy: string, nowMs: number): { key: AgentKeyRecord; secret: string } {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    this.db
      .prepare('INSERT INTO agent_keys (id, secret_sha256, tags, description, created_by, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, sha256(secret), JSON.stringify([...tags]), description, createdBy, nowMs);
    return { key: { id, tags: [...tags], description, createdBy, createdAtMs: nowMs, revokedAtMs: 0 }, secret: `${PREFIX}${id}_${secret}` };
  }

  list(): AgentKeyRecord[] {
    return (this.db.prepare('SELECT * FROM agent_keys ORDER BY created_at_ms, id').all() as Row[]).map(recordOf);
  }

  get(id: string): AgentKeyRecord | undefined {
    const row = this.db.prepare('SELECT * FROM agent_keys WHERE id = ?').get(id) as Row | undefined;
    return row && recordOf(row);
  }

  /** Revokes the key; undefined when there is no such key. Revoking twice keeps the first time. */
  revoke(id: string, nowMs: number): AgentKeyRecord | undefined {
    this.db.prepare('UPDATE agent_keys SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms = 0').run(nowMs, id);
    return this.get(id);
  }

  /** The key a credential names, when its secret matches and it is not revoked; else why not, for the agent's operator. */
  check(credential: string): KeyCheck {
    const m = FORMAT.exec(credential);
    if (!m) return { refused: `the credential is not an agent key (sonde_ak_…); create one with "sonde keys create" and give it to the agent as SONDE_AGENT_KEY` };
    const row = this.db.prepare('SELECT * FROM agent_keys WHERE id = ?').get(m[1]) as Row | undefined;
    // The same answer for an unknown id and a wrong secret: a caller learns nothing about which ids exist.
    if (!row || !timingSafeEqual(row.secret_sha256, sha256(m[2]!))) return { refused: 'the agent key is not one this gateway issued (unknown, or its secret is wrong); check SONDE_AGENT_KEY' };
    if (row.revoked_at_ms > 0) return { refused: `the agent key ${row.id} was revoked at ${new Date(row.revoked_at_ms).toISOString()}; ask an administrator for a new one` };
    return { key: recordOf(row) };
  }

  /** Claims the agent id for the key, the first time; returns the key that owns it. */
  own(agentId: string, keyId: string): string {
    this.db.prepare('INSERT OR IGNORE INTO agent_owners (agent_id, key_id) VALUES (?, ?)').run(agentId, keyId);
    return (this.db.prepare('SELECT key_id FROM agent_owners WHERE agent_id = ?').get(agentId) as { key_id: string }).key_id;
  }
}
