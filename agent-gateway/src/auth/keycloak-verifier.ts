// Bearer tokens verified with keycloak-connect against one Keycloak realm:
// signature (the realm's JWKS, fetched and cached by keycloak-connect),
// expiry, type, issuer and audience, offline. The only module that knows
// keycloak-connect (deprecated upstream, still published): a plain OIDC/JWKS
// verifier can replace this file behind TokenVerifier.
//
// keycloak-connect only says "invalid token (wrong ISS)"; the token is
// decoded here too (unverified, for the message alone) so that the person
// holding it reads which issuer, which audience, when it expired.
import Keycloak from 'keycloak-connect';
import { TokenRefused, VerifierUnavailable, type TokenVerifier, type VerifiedToken } from './token-verifier.js';
import { claimsOf } from './token-claims.js';

export interface KeycloakVerifierOptions {
  /** The realm's URL, the `iss` of its tokens: http(s)://HOST[:PORT][/PREFIX]/realms/REALM. */
  issuer: string;
  /** The gateway's client id, which tokens must carry in `aud`. */
  audience: string;
}

/** The part of keycloak-connect this module uses. */
interface GrantManager {
  createGrant(raw: { access_token: string }): Promise<{ access_token?: { content: Record<string, unknown> } }>;
  /** The realm's keys it holds, fetched again for an unknown key id only `minTimeBetweenJwksRequests` seconds after the last fetch (`lastTimeRequesTime`, seconds). */
  rotation: { jwks: { kid?: string }[]; minTimeBetweenJwksRequests: number; lastTimeRequesTime: number };
}

const ALGORITHMS = new Set(['RS256']);

/** The realm URL split as keycloak-connect wants it; throws saying what a realm URL looks like. */
export function realmOf(issuer: string): { authServerUrl: string; realm: string } {
  const m = /^(https?:\/\/[^/?#]+(?:\/[^?#]*)?)\/realms\/([^/?#]+)\/?$/.exec(issuer);
  if (!m) throw new Error(`the issuer "${issuer}" is not a Keycloak realm URL; give one such as https://keycloak.example.com/realms/sonde`);
  return { authServerUrl: m[1]!, realm: decodeURIComponent(m[2]!) };
}

export function keycloakVerifier(opts: KeycloakVerifierOptions): TokenVerifier {
  const { authServerUrl, realm } = realmOf(opts.issuer);
  const issuer = `${authServerUrl}/realms/${realm}`;
  const keycloak = new Keycloak({}, { realm, 'auth-server-url': authServerUrl, resource: opts.audience, 'bearer-only': true, 'verify-token-audience': true, 'ssl-required': 'external', 'confidential-port': 0 } as never);
  const grants = (keycloak as unknown as { grantManager: GrantManager }).grantManager;
  // Within its minimum time between key fetches keycloak-connect answers a key id it does not hold with a
  // console.error and a TypeError; so a token naming an unknown key is refused here first, as it would be.
  const unknownKey = (kid: string) => new TokenRefused(`the token names a signing key ("${kid.slice(0, 80)}") that ${issuer} does not have: it was not signed by this gateway's identity provider`);

  return {
    issuer,
    audience: opts.audience,
    async verify(token: string): Promise<VerifiedToken> {
      const decoded = decode(token);
      const alg = decoded.header.alg;
      if (alg === 'none' || alg === undefined) throw new TokenRefused('the token is not signed (alg "none"): the gateway accepts only tokens its identity provider signed');
      if (typeof alg !== 'string' || !ALGORITHMS.has(alg)) throw new TokenRefused(`the token is signed with ${String(alg)}; the gateway accepts ${[...ALGORITHMS].join(', ')}, as the realm signs`);
      const kid = decoded.header.kid;
      if (typeof kid !== 'string' || kid === '') throw new TokenRefused('the token names no signing key (kid): it was not signed by this gateway\'s identity provider');
      const { jwks, lastTimeRequesTime, minTimeBetweenJwksRequests } = grants.rotation;
      if (!jwks.some((k) => k.kid === kid) && Date.now() / 1000 <= lastTimeRequesTime + minTimeBetweenJwksRequests) throw unknownKey(kid);
      let content: Record<string, unknown>;
      try {
        const grant = await grants.createGrant({ access_token: token });
        content = grant.access_token?.content ?? {};
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // Keys fetched, and none has this id (keycloak-connect then fails on the missing key).
        if (message.includes('failed to load public key') && grants.rotation.jwks.length > 0 && !grants.rotation.jwks.some((k) => k.kid === kid)) throw unknownKey(kid);
        throw refusalOf(message, decoded.payload, issuer, opts.audience);
      }
      return claimsOf(content);
    },
  };
}

interface Decoded {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

function decode(token: string): Decoded {
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenRefused(`the credential is not a JWT (${parts.length} parts, not 3): sign in again (sonde login) and send the access token`);
  const json = (part: string, what: string): Record<string, unknown> => {
    try {
      const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // said below
    }
    throw new TokenRefused(`the token's ${what} is not a JSON object: it is damaged; sign in again`);
  };
  return { header: json(parts[0]!, 'header'), payload: json(parts[1]!, 'payload') };
}

const quoted = (v: unknown) => (Array.isArray(v) ? v.map((x) => JSON.stringify(x)).join(', ') : JSON.stringify(v ?? null));

/** keycloak-connect's reason, in words that say which claim and what to do. */
function refusalOf(message: string, payload: Record<string, unknown>, issuer: string, audience: string): Error {
  if (message.includes('(expired)')) {
    const exp = typeof payload.exp === 'number' ? new Date(payload.exp * 1000).toISOString() : 'an unknown time';
    return new TokenRefused(`the access token expired at ${exp}; the client refreshes it, or sign in again (sonde login)`);
  }
  if (message.includes('wrong ISS')) return new TokenRefused(`the token was issued by ${quoted(payload.iss)}, not by this gateway's identity provider ${issuer}; sign in against ${issuer}`);
  if (message.includes('wrong audience')) return new TokenRefused(`the token is for ${quoted(payload.aud)}, not for this gateway ("${audience}"): sign in through the client the gateway trusts, whose tokens carry that audience`);
  if (message.includes('signature') || message.includes('not signed')) return new TokenRefused('the token\'s signature does not verify against the identity provider\'s keys: it was altered, or signed by someone else; sign in again');
  if (message.includes('wrong type')) return new TokenRefused(`the token is of type ${quoted(payload.typ)}, not an access token (Bearer): send the access token, not the ID or refresh token`);
  if (message.includes('stale')) return new TokenRefused('the token was issued before the realm\'s not-before time (its sessions were revoked): sign in again');
  if (message.includes('failed to load public key')) return new VerifierUnavailable(`the identity provider ${issuer} could not be asked for its keys (${message}); check that the gateway reaches it`);
  return new TokenRefused(`the token was refused: ${message}`);
}
