// The port a bearer token is verified through: signature, issuer, audience,
// expiry, and the claims the gateway reads. keycloak-verifier.ts implements
// it with keycloak-connect; a plain OIDC/JWKS verifier could replace it
// without touching anything else.

export interface VerifiedToken {
  subject: string;
  /** preferred_username, else the subject. */
  userName: string;
  roles: string[];
  /** Agent tags the person may target (the `sonde_tags` claim); undefined when the token carries none. */
  tags: string[] | undefined;
  expiresAtMs: number;
}

/** Why a token was refused, in words for the person holding it (what happened, what to do). */
export class TokenRefused extends Error {
  override readonly name = 'TokenRefused';
}

/** The identity provider could not be asked (its keys could not be fetched): not the token's fault. */
export class VerifierUnavailable extends Error {
  override readonly name = 'VerifierUnavailable';
}

export interface TokenVerifier {
  /** The issuer tokens must come from (the realm's URL). */
  readonly issuer: string;
  /** The audience tokens must carry (the gateway's client id). */
  readonly audience: string;
  /** Resolves with the verified claims; rejects with TokenRefused or VerifierUnavailable. */
  verify(token: string): Promise<VerifiedToken>;
}
