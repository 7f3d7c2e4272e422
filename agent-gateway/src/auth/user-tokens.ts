// Clients (editors, the CLI) authenticate with an OIDC access token in the
// upgrade's Authorization header, verified by a TokenVerifier; the principal
// carries the token's roles, tag scope and expiry. Before it expires the
// client sends a refreshed token on the same connection (renew), or the
// connection is closed at expiry and the client reconnects with one.
// Agents authenticate through their own authenticator (agent keys).
import type { IncomingMessage } from 'node:http';
import type { EndpointPath } from '@sonde/rpc';
import type { Authentication, Authenticator } from './authenticator.js';
import { bearerOf } from './bearer.js';
import { refusal } from './permissions.js';
import type { Principal } from './principal.js';
import { TokenRefused, VerifierUnavailable, type TokenVerifier } from './token-verifier.js';

export function userTokens(verifier: TokenVerifier, agents?: Authenticator): Authenticator {
  return {
    description: `user tokens from ${verifier.issuer} (audience ${verifier.audience})${agents ? `; agents: ${agents.description}` : '; no agent credentials configured, agents are refused'}`,
    checkHost: (host) => agents?.checkHost(host),
    async authenticate(request: IncomingMessage, endpoint: EndpointPath): Promise<Authentication> {
      if (endpoint === '/v1/agent') {
        if (agents) return agents.authenticate(request, endpoint);
        return { refusal: { status: 401, message: 'this gateway takes agents with an agent key only, and has no agent keys configured; ask its administrator' } };
      }
      const header = request.headers.authorization;
      if (header === undefined || header === '') {
        return { refusal: { status: 401, message: `no credentials: this gateway checks identity against ${verifier.issuer}; sign in (sonde login, or "Sonde: log in" in the editor) and connect again` } };
      }
      const token = bearerOf(header);
      if (token === undefined) return { refusal: { status: 401, message: 'the Authorization header is not "Bearer <access token>"; sign in (sonde login) and send the access token it keeps' } };
      return principalOf(verifier, token);
    },
    async renew(token: string, current: Principal): Promise<Authentication> {
      if (current.kind !== 'user') return { refusal: { status: 400, message: 'this connection did not sign in with an access token: there is nothing to renew' } };
      const renewed = await principalOf(verifier, token);
      if ('principal' in renewed && renewed.principal.subject !== current.subject) {
        return { refusal: { status: 403, message: `the token is ${renewed.principal.name}'s, and this connection is ${current.name}'s: to act as someone else, connect again with their token` } };
      }
      return renewed;
    },
  };
}

async function principalOf(verifier: TokenVerifier, token: string): Promise<Authentication> {
  try {
    const t = await verifier.verify(token);
    const principal: Principal = { kind: 'user', name: t.userName, subject: t.subject, roles: t.roles, tags: t.tags, expiresAtMs: t.expiresAtMs };
    const denied = refusal(principal, 'view', 'connecting to the gateway');
    return denied === undefined ? { principal } : { refusal: { status: 403, message: denied } };
  } catch (err) {
    if (err instanceof TokenRefused) return { refusal: { status: 401, message: err.message } };
    if (err instanceof VerifierUnavailable) return { refusal: { status: 503, message: err.message } };
    throw err;
  }
}
