// OAuth 2.0 Device Authorization Grant (RFC 8628): the code a person types
// (or the link with it) on the provider's page, then polling the token
// endpoint at the pace it asks until they approve, deny, or the code expires.
import { postForm, providerEndpoints, tokenRequest, TokenEndpointError, type TokenSet } from './oidc.js';

export interface DeviceLogin {
  userCode: string;
  verificationUri: string;
  /** The page with the code filled in, when the provider gives one. */
  verificationUriComplete: string | undefined;
  expiresAtMs: number;
  /** Resolves with the tokens once the person approves; rejects saying why not (denied, expired, cancelled). */
  tokens: Promise<TokenSet>;
  cancel(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startDeviceLogin(issuer: string, clientId: string): Promise<DeviceLogin> {
  const endpoints = await providerEndpoints(issuer);
  const { ok, status, body } = await postForm(endpoints.deviceAuthorization, { client_id: clientId, scope: 'openid' });
  if (!ok || typeof body.device_code !== 'string' || typeof body.user_code !== 'string' || typeof body.verification_uri !== 'string') {
    throw new Error(`${issuer} refused to start a device login for ${clientId} (${status} ${String(body.error ?? '')} ${String(body.error_description ?? '')}); the client needs the device flow enabled`);
  }
  const deviceCode = body.device_code;
  const expiresAtMs = Date.now() + (typeof body.expires_in === 'number' ? body.expires_in : 600) * 1000;
  let intervalMs = (typeof body.interval === 'number' ? body.interval : 5) * 1000;
  let cancelled = false;
  const poll = async (): Promise<TokenSet> => {
    for (;;) {
      await sleep(intervalMs);
      if (cancelled) throw new Error('the sign-in was cancelled');
      if (Date.now() > expiresAtMs) throw new Error('the code expired before it was approved; sign in again');
      try {
        return await tokenRequest(endpoints.token, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: clientId });
      } catch (err) {
        if (!(err instanceof TokenEndpointError)) throw err;
        if (err.code === 'authorization_pending') continue;
        if (err.code === 'slow_down') intervalMs += 5000;
        else if (err.code === 'access_denied') throw new Error('the sign-in was denied on the provider\'s page');
        else if (err.code === 'expired_token') throw new Error('the code expired before it was approved; sign in again');
        else throw new Error(`the provider refused the sign-in: ${err.message}`);
      }
    }
  };
  const tokens = poll();
  tokens.catch(() => {}); // whoever started the login reads the outcome; an unread one is no crash
  return {
    userCode: body.user_code,
    verificationUri: body.verification_uri,
    verificationUriComplete: typeof body.verification_uri_complete === 'string' ? body.verification_uri_complete : undefined,
    expiresAtMs,
    tokens,
    cancel: () => void (cancelled = true),
  };
}
