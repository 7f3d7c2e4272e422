// When a sign-in's access token is refreshed: early enough that a live
// connection is renewed before the gateway closes it at the token's `exp`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenSession, TokenStore } from '../src/index.js';

const ISSUER = 'https://id.example.com/realms/sonde';
const jwt = (claims: Record<string, unknown>) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('token session: when to refresh', () => {
  let dir: string;
  let now = 0;
  const session = () => new TokenSession(ISSUER, 'sonde-cli', new TokenStore(dir), () => now);
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sonde-token-session-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const signIn = (accessToken: string, expiresAtMs: number) => {
    const s = session();
    s.signedIn({ accessToken, refreshToken: 'r', expiresAtMs });
    return s;
  };

  it('refreshes a five-minute token 30 s before its exp', () => {
    const s = signIn(jwt({ sub: 'u', iat: 1000, exp: 1300 }), 1_300_000);
    assert.equal(s.refreshDueAtMs(), 1_270_000);
  });

  it('refreshes a short-lived token after two thirds of its life', () => {
    const s = signIn(jwt({ sub: 'u', iat: 1000, exp: 1003 }), 1_003_000);
    assert.equal(s.refreshDueAtMs(), 1_002_000);
  });

  it('counts from the token\'s own exp when the time reckoned from expires_in is later (exp is whole seconds)', () => {
    // Received at 1000.9 s with expires_in 3: the client reckons 1003.9, the gateway closes at exp 1003.
    const s = signIn(jwt({ sub: 'u', iat: 1000, exp: 1003 }), 1_003_900);
    assert.equal(s.refreshDueAtMs(), 1_002_000);
  });

  it('falls back to the reckoned expiry and the 30-s margin for a token without claims', () => {
    const s = signIn('opaque-token', 1_300_000);
    assert.equal(s.refreshDueAtMs(), 1_270_000);
  });

  it('hands out the stored token until it is due, without asking the provider', async () => {
    const token = jwt({ sub: 'u', iat: 1000, exp: 1300 });
    const s = signIn(token, 1_300_000);
    now = 1_269_999;
    assert.equal(await s.accessToken(), token);
    assert.equal(session().refreshDueAtMs(), 1_270_000, 'read back from the store');
  });
});
