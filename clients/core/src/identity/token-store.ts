// Where sign-ins are kept between runs: one JSON file in the user's config
// folder ($SONDE_CONFIG_DIR, else $XDG_CONFIG_HOME/sonde, else ~/.config/sonde),
// readable by its owner only (0600 in a 0700 folder), one entry per provider
// and client. The language server and the CLI share it.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TokenSet } from './oidc.js';

export interface StoredLogin extends TokenSet {
  userName: string;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SONDE_CONFIG_DIR) return env.SONDE_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'sonde');
}

export class TokenStore {
  readonly file: string;

  constructor(dir = configDir()) {
    this.file = join(dir, 'tokens.json');
  }

  private readAll(): Record<string, StoredLogin> {
    try {
      const v: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, StoredLogin>) : {};
    } catch {
      return {}; // none yet, or unreadable: signing in again writes a good one
    }
  }

  private writeAll(all: Record<string, StoredLogin>): void {
    const dir = join(this.file, '..');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600); // the mode above is masked by the umask
    renameSync(tmp, this.file);
  }

  get(issuer: string, clientId: string): StoredLogin | undefined {
    return this.readAll()[`${issuer} ${clientId}`];
  }

  put(issuer: string, clientId: string, login: StoredLogin): void {
    const all = this.readAll();
    all[`${issuer} ${clientId}`] = login;
    this.writeAll(all);
  }

  /** Forgets the sign-in; true when there was one. */
  remove(issuer: string, clientId: string): boolean {
    const all = this.readAll();
    const key = `${issuer} ${clientId}`;
    if (!(key in all)) return false;
    delete all[key];
    if (Object.keys(all).length === 0) rmSync(this.file, { force: true });
    else this.writeAll(all);
    return true;
  }
}
