// The demo's identity provider, embedded: oidc-provider (a certified OpenID
// Provider) laid out as a Keycloak realm (issuer /realms/sonde, Keycloak's
// endpoint paths, JWT access tokens of type Bearer with realm_access roles,
// the gateway as audience and sonde_tags scopes), so that the gateway verifies
// its tokens through the same keycloak-connect path as a real Keycloak's, and
// editors and the CLI sign in with the same device flow. Loopback only: its
// users and passwords are published (demo-users.ts).
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors, type Configuration } from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import { signIn, userBySubject } from './demo-users.js';
import { codeConfirmPage, codeInputPage, errorPage, loginPage, successPage } from './pages.js';

export const DEMO_REALM = '/realms/sonde';
export const DEMO_AUDIENCE = 'sonde-gateway';
export const DEMO_LOGIN_CLIENT = 'sonde-cli';
/** The one resource server: the gateway. Every access token is a JWT for it. */
const GATEWAY_RESOURCE = 'urn:sonde:gateway';
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** oidc-provider's own in-memory store, named as this provider's: a demo's sign-ins need not outlive it, so its start-up warning about that store does not apply. */
class DemoStore extends MemoryAdapter {}

export interface DemoIdentityOptions {
  host?: string;
  port?: number;
  /** How long an access token lives (default 300 s, as Keycloak's). */
  accessTokenSeconds?: number;
}

export interface DemoIdentity {
  /** The realm URL: what the gateway's --oidc-issuer would be. */
  issuer: string;
  close(): Promise<void>;
}

export async function startDemoIdentity(opts: DemoIdentityOptions = {}): Promise<DemoIdentity> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the demo identity provider refuses to listen on ${host}: its users' passwords are published, so it binds to loopback only; in production give --oidc-issuer with your Keycloak realm`);
  let provider: Provider | undefined;
  let callback: ReturnType<Provider['callback']> | undefined;
  const server = createServer((req, res) => {
    if (!provider || !callback) return void send(res, 503, errorPage('starting; try again in a moment'));
    route(provider, callback, req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, errorPage(`the demo identity provider failed: ${err instanceof Error ? err.message : String(err)}`));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}${DEMO_REALM}`;
  provider = new Provider(issuer, configuration(opts.accessTokenSeconds ?? 300));
  callback = provider.callback();
  // Refusals (a bad code, a spent token) are the caller's, said in the answer; only a failure inside the provider is logged.
  provider.on('server_error', (_ctx: unknown, err: Error) => process.stderr.write(`sonde demo identity: ${err.message}\n`));
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function route(provider: Provider, callback: ReturnType<Provider['callback']>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path !== DEMO_REALM && !path.startsWith(`${DEMO_REALM}/`)) return send(res, 404, errorPage(`nothing at ${path}: the realm is ${DEMO_REALM}`));
  const interaction = /^\/interaction\/([\w-]+)(\/login)?$/.exec(path.slice(DEMO_REALM.length));
  if (interaction) return interact(provider, req, res, interaction[2] !== undefined);
  // Mounted under the realm's path, as oidc-provider reads it from originalUrl.
  Object.assign(req, { originalUrl: req.url });
  req.url = req.url!.slice(DEMO_REALM.length) || '/';
  return callback(req, res);
}

/** The sign-in form (the login prompt); the consent prompt is granted as asked: the editor and CLI are the realm's own client. */
async function interact(provider: Provider, req: IncomingMessage, res: ServerResponse, submitted: boolean): Promise<void> {
  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    return send(res, 400, errorPage('This sign-in has expired or was opened in another browser. Start it again from your editor or terminal (sonde login).'));
  }
  const action = `${DEMO_REALM}/interaction/${details.uid}/login`;
  if (details.prompt.name === 'login') {
    if (!submitted || req.method !== 'POST') return send(res, 200, loginPage(action));
    const form = new URLSearchParams(await bodyOf(req));
    const user = signIn(form.get('username') ?? '', form.get('password') ?? '');
    if (!user) return send(res, 401, loginPage(action, 'That user name and password are not a demo user\'s (they are listed below).'));
    return provider.interactionFinished(req, res, { login: { accountId: user.subject } }, { mergeWithLastSubmission: false });
  }
  const accountId = details.session?.accountId;
  const clientId = String(details.params.client_id ?? '');
  const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function configuration(accessTokenSeconds: number): Configuration {
  const key = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  return {
    clients: [
      {
        client_id: DEMO_LOGIN_CLIENT,
        client_name: 'Sonde (editors and the sonde CLI)',
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    adapter: DemoStore,
    jwks: { keys: [key as never] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'offline_access', 'profile'],
    claims: { openid: ['sub'], profile: ['preferred_username'] },
    findAccount: async (_ctx, subject) => {
      const user = userBySubject(subject);
      return user && { accountId: user.subject, claims: async () => ({ sub: user.subject, preferred_username: user.name }) };
    },
    // What the gateway reads from a Keycloak token (token-claims.ts), and keycloak-connect's type check.
    extraTokenClaims: async (_ctx, token) => {
      const user = 'accountId' in token && typeof token.accountId === 'string' ? userBySubject(token.accountId) : undefined;
      return user ? { typ: 'Bearer', azp: token.clientId, preferred_username: user.name, realm_access: { roles: user.roles }, sonde_tags: user.tags } : {};
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: async (ctx, form, _out, err) => {
          ctx.body = codeInputPage(form, err ? (err.name === 'AbortedError' ? 'The sign-in was denied.' : 'That code is not one this provider gave, or it expired. Check it and try again.') : undefined);
        },
        userCodeConfirmSource: async (ctx, form, client, _info, userCode) => {
          ctx.body = codeConfirmPage(form, client.clientName ?? client.clientId, userCode);
        },
        successSource: async (ctx) => {
          ctx.body = successPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => GATEWAY_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== GATEWAY_RESOURCE) throw new errors.InvalidTarget(`the only resource here is ${GATEWAY_RESOURCE}, the Sonde gateway`);
          return { scope: 'sonde', audience: DEMO_AUDIENCE, accessTokenTTL: accessTokenSeconds, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    ttl: { AccessToken: accessTokenSeconds, DeviceCode: 600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, RefreshToken: 8 * 3600, IdToken: 3600 },
    // Keycloak's paths, so the realm looks the same to anything that does not read the discovery document.
    routes: {
      authorization: '/protocol/openid-connect/auth',
      token: '/protocol/openid-connect/token',
      jwks: '/protocol/openid-connect/certs',
      userinfo: '/protocol/openid-connect/userinfo',
      end_session: '/protocol/openid-connect/logout',
      revocation: '/protocol/openid-connect/revoke',
      device_authorization: '/protocol/openid-connect/auth/device',
      code_verification: '/device',
    },
    interactions: { url: (_ctx, interaction) => `${DEMO_REALM}/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(`${String(out.error)}: ${String(out.error_description ?? '')}`);
    },
  };
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

const MAX_FORM = 16 * 1024;

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_FORM) req.destroy(new Error('the form is larger than a sign-in form'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
