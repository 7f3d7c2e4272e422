// The OIDC provider as a client sees it: where the gateway says to sign in
// (GET /v1/identity), the provider's endpoints (its discovery document), and
// the token endpoint's answers, with errors that say what to do.

export interface GatewayIdentity {
  /** False under --insecure-dev: no sign-in needed. */
  required: boolean;
  issuer?: string;
  clientId?: string;
}

export interface ProviderEndpoints {
  deviceAuthorization: string;
  token: string;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, ms since the epoch. */
  expiresAtMs: number;
}

/** What the token endpoint refused, by its OAuth error code (authorization_pending, invalid_grant…). */
export class TokenEndpointError extends Error {
  override readonly name = 'TokenEndpointError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** fetch says only "fetch failed"; the reason (a refused connection, an untrusted certificate) is its cause. */
const why = (err: Error): string => {
  const cause = (err as Error & { cause?: { message?: string; code?: string } }).cause;
  return cause?.message ? `${cause.message}${cause.code && !cause.message.includes(cause.code) ? ` (${cause.code})` : ''}` : err.message;
};
const TLS_HINT = ' (for a gateway or provider whose certificate a private CA signed, start with NODE_EXTRA_CA_CERTS=/path/to/ca.pem)';
const hint = (err: Error) => (/certificate|self.signed|CERT/i.test(why(err)) ? TLS_HINT : '');

async function json(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${what} answered ${res.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
}

export async function gatewayIdentity(gatewayUrl: string): Promise<GatewayIdentity> {
  const url = new URL('/v1/identity', gatewayUrl).href;
  const res = await fetch(url).catch((err: Error) => {
    throw new Error(`cannot reach the gateway at ${url} (${why(err)}); check its URL and that it runs${hint(err)}`);
  });
  if (res.status === 404) return { required: false }; // an older gateway, with no identity
  const body = await json(res, url);
  return { required: body.required === true, issuer: typeof body.issuer === 'string' ? body.issuer : undefined, clientId: typeof body.clientId === 'string' ? body.clientId : undefined };
}

export async function providerEndpoints(issuer: string): Promise<ProviderEndpoints> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url).catch((err: Error) => {
    throw new Error(`cannot reach the identity provider at ${url} (${why(err)})${hint(err)}`);
  });
  const doc = await json(res, url);
  const device = doc.device_authorization_endpoint;
  const token = doc.token_endpoint;
  if (typeof token !== 'string') throw new Error(`${url} names no token_endpoint; is ${issuer} an OpenID provider?`);
  if (typeof device !== 'string') throw new Error(`${issuer} does not offer the device flow (no device_authorization_endpoint); enable it for the client`);
  return { deviceAuthorization: device, token };
}

/** POSTs a form to one of the provider's endpoints; resolves with the answer's status and JSON body. */
export async function postForm(endpoint: string, form: Record<string, string>): Promise<{ ok: boolean; status: number; body: Record<string, unknown> }> {
  const res = await fetch(endpoint, { method: 'POST', body: new URLSearchParams(form) }).catch((err: Error) => {
    throw new Error(`cannot reach the identity provider at ${endpoint} (${why(err)})${hint(err)}`);
  });
  return { ok: res.ok, status: res.status, body: await json(res, endpoint) };
}

/** POSTs a form to the token endpoint; resolves with the tokens, rejects with TokenEndpointError. */
export async function tokenRequest(endpoint: string, form: Record<string, string>, now = Date.now): Promise<TokenSet> {
  const res = await postForm(endpoint, form);
  const body = res.body;
  if (!res.ok || typeof body.access_token !== 'string') {
    const code = typeof body.error === 'string' ? body.error : `http_${res.status}`;
    throw new TokenEndpointError(code, `${code}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`);
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 60;
  return { accessToken: body.access_token, refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : '', expiresAtMs: now() + expiresIn * 1000 };
}
