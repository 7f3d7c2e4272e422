// One person's sign-in to one provider, as a gateway client uses it: the
// access token for each (re)connection, refreshed with the refresh token
// before it expires (and the new refresh token kept), so that a long session
// never asks the person again until the provider's session ends.
import { providerEndpoints, tokenRequest, TokenEndpointError, type GatewayIdentity, type TokenSet } from './oidc.js';
import type { StoredLogin, TokenStore } from './token-store.js';

/** An access token with less than this left is refreshed first (or a third of its lifetime, for short-lived ones). */
const REFRESH_MARGIN_MS = 30_000;
const DEFAULT_LIFETIME_MS = 300_000;

/** The access token's claims, read without verifying (the gateway verifies; this only labels the editor). */
const claimsOf = (accessToken: string): Record<string, unknown> => {
  try {
    return JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return {};
  }
};
const userNameOf = (accessToken: string): string => {
  const claims = claimsOf(accessToken);
  return String(claims.preferred_username ?? claims.sub ?? '');
};

/**
 * When a stored access token is refreshed: 30 s before it expires, or after
 * two thirds of a shorter life. Its expiry is the token's own `exp` where it
 * has one (what the gateway closes the connection at; up to a second before
 * the time the client reckoned from `expires_in`, as `exp` is whole seconds).
 */
function dueAtMs(login: StoredLogin): number {
  const { iat, exp } = claimsOf(login.accessToken);
  const expiresAtMs = typeof exp === 'number' ? Math.min(login.expiresAtMs, exp * 1000) : login.expiresAtMs;
  const lifetimeMs = typeof iat === 'number' && typeof exp === 'number' && exp > iat ? (exp - iat) * 1000 : DEFAULT_LIFETIME_MS;
  return expiresAtMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 3);
}

export class TokenSession {
  private refreshing: Promise<string | undefined> | undefined;

  /** The session for where a gateway says to sign in; undefined when it checks no identity. */
  static of(identity: GatewayIdentity, store: TokenStore): TokenSession | undefined {
    return identity.required && identity.issuer && identity.clientId ? new TokenSession(identity.issuer, identity.clientId, store) : undefined;
  }

  constructor(
    readonly issuer: string,
    readonly clientId: string,
    private readonly store: TokenStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Who is signed in, or undefined. */
  get userName(): string | undefined {
    return this.store.get(this.issuer, this.clientId)?.userName;
  }

  /** The realm roles of the signed-in person, as the last access token says. */
  get roles(): string[] {
    const login = this.store.get(this.issuer, this.clientId);
    const roles = (claimsOf(login?.accessToken ?? '').realm_access as { roles?: unknown } | undefined)?.roles;
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  }

  /** Keeps the tokens of a sign-in that just succeeded; returns the user name. */
  signedIn(tokens: TokenSet): string {
    const login: StoredLogin = { ...tokens, userName: userNameOf(tokens.accessToken) };
    this.store.put(this.issuer, this.clientId, login);
    return login.userName;
  }

  signOut(): boolean {
    return this.store.remove(this.issuer, this.clientId);
  }

  /** When the stored access token needs refreshing (ms since the epoch), or undefined when nobody is signed in. */
  refreshDueAtMs(): number | undefined {
    const login = this.store.get(this.issuer, this.clientId);
    return login && dueAtMs(login);
  }

  /** A valid access token, refreshed when close to expiry; undefined when nobody is signed in or the provider ended the session. */
  accessToken(): Promise<string | undefined> {
    const login = this.store.get(this.issuer, this.clientId);
    if (login === undefined) return Promise.resolve(undefined);
    if (this.now() < dueAtMs(login)) return Promise.resolve(login.accessToken);
    this.refreshing ??= this.refresh(login).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(login: StoredLogin): Promise<string | undefined> {
    if (!login.refreshToken) return undefined;
    try {
      const { token } = await providerEndpoints(this.issuer);
      const fresh = await tokenRequest(token, { grant_type: 'refresh_token', refresh_token: login.refreshToken, client_id: this.clientId }, this.now);
      this.store.put(this.issuer, this.clientId, { ...fresh, refreshToken: fresh.refreshToken || login.refreshToken, userName: login.userName });
      return fresh.accessToken;
    } catch (err) {
      // The provider ended the session (expired, revoked): the person signs in again.
      if (err instanceof TokenEndpointError && err.code === 'invalid_grant') {
        this.store.remove(this.issuer, this.clientId);
        return undefined;
      }
      throw err;
    }
  }
}
