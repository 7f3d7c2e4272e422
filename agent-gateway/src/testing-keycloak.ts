// For tests only (never production code): the real Keycloak the identity tests run against: the one `npm test`
// started for the whole run (SONDE_TEST_KEYCLOAK_URL), else one started here
// through scripts/keycloak.mjs and stopped after the suite. Tokens come from
// the realm's test users by the password grant (the device flow has its own test).
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const REALM = 'sonde';
export const AUDIENCE = 'sonde-gateway';
export const PASSWORDS: Record<string, string> = { ada: 'ada-test-password', vic: 'vic-test-password', stan: 'stan-test-password', root: 'root-test-password', nobody: 'nobody-test-password' };

export interface TestKeycloak {
  url: string;
  issuer: string;
  stop(): Promise<void>;
}

export async function useKeycloak(): Promise<TestKeycloak> {
  const given = process.env.SONDE_TEST_KEYCLOAK_URL;
  if (given) return { url: given, issuer: `${given}/realms/${REALM}`, stop: async () => {} };
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'keycloak.mjs'), 'serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /keycloak ready at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`scripts/keycloak.mjs exited (${code}) before Keycloak was ready: ${out}`)));
  });
  return { url, issuer: `${url}/realms/${REALM}`, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.stdin!.end(); // scripts/keycloak.mjs stops Keycloak when its stdin closes
  });
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/** Tokens for a test user, by the password grant through `client` (default sonde-cli); `base` may name the host differently (another issuer). */
export async function tokensFor(kc: TestKeycloak, user: string, client = 'sonde-cli', base = kc.url): Promise<Tokens> {
  const res = await fetch(`${base}/realms/${REALM}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: client, username: user, password: PASSWORDS[user] ?? '', scope: 'openid' }),
  });
  if (!res.ok) throw new Error(`no tokens for ${user} through ${client}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Tokens;
}

export const accessFor = async (kc: TestKeycloak, user: string, client?: string, base?: string) => (await tokensFor(kc, user, client, base)).access_token;
