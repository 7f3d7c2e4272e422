// Wires the gateway: the HTTP server (health), the authenticator, the two
// WebSocket endpoints, the store, the audit log, the bus and the expiry
// sweep. Nothing else lives here.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ActionService } from './actions/service.js';
import { ActionStates } from './actions/states.js';
import { RefusalLimit } from './audit/refusal-limit.js';
import { SqliteAuditLog } from './audit/sqlite.js';
import type { Authenticator } from './auth/authenticator.js';
import { insecureDev } from './auth/insecure-dev.js';
import { keycloakVerifier } from './auth/keycloak-verifier.js';
import { userTokens } from './auth/user-tokens.js';
import { agentKeyAuth } from './keys/agent-key-auth.js';
import { AgentKeys } from './keys/agent-keys.js';
import { InProcessBus } from './bus/in-process.js';
import { AgentRegistry } from './connections/agent-registry.js';
import { GatewayDrops } from './connections/drops.js';
import { PolicyHolder } from './policy/policy-holder.js';
import { HitCounts } from './counts/hit-counts.js';
import { Subscribers } from './connections/subscribers.js';
import { agentEndpoint } from './endpoints/agent.js';
import { clientEndpoint } from './endpoints/client.js';
import { acceptUpgrades } from './endpoints/upgrade.js';
import { serveHttp } from './http/health.js';
import { healthReport } from './http/health-report.js';
import { resolveLimits, type GatewayLimits } from './limits.js';
import { RateLimitedLog } from './logging/rate-limited-log.js';
import { openSqliteFile, SqliteStore } from './store/sqlite.js';

export interface GatewayOptions {
  host?: string;
  port?: number;
  /** Folder for the SQLite file. */
  dataDir: string;
  /** Accept every agent and client without credentials; loopback only. */
  insecureDev: boolean;
  /** Who may connect, and as whom; wins over identity and insecureDev. Default with insecureDev: everyone is `dev`. */
  authenticator?: Authenticator;
  /** People sign in with this OIDC provider (a Keycloak realm): tokens must come from `issuer` and carry `audience`. */
  identity?: { issuer: string; audience: string; /** The public client people sign in through (device flow); default sonde-cli. */ loginClientId?: string };
  /** People sign in on an embedded demo provider (demo-identity/), loopback only: the demo's identity, verified as a Keycloak realm's. */
  demoIdentity?: boolean | { accessTokenSeconds?: number };
  log?: (msg: string) => void;
  /** How many actions the gateway holds at once (default 10,000). */
  maxActions?: number;
  /** Serve https and wss with this certificate and key (PEM files). Clients trust it through their CA store (NODE_EXTRA_CA_CERTS for a private CA). */
  tls?: { certFile: string; keyFile: string };
  /** Per-peer caps (limits.ts; defaults and what a peer sees past each in the README). */
  limits?: Partial<GatewayLimits>;
}

export interface RunningGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

const EXPIRY_SWEEP_MS = 1_000;

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((msg: string) => process.stderr.write(`sonde gateway: ${msg}\n`));
  if (!opts.authenticator && !opts.identity && !opts.demoIdentity && !opts.insecureDev) {
    throw new Error('the gateway needs an identity provider: give --oidc-issuer https://KEYCLOAK/realms/REALM (and --oidc-audience, default sonde-gateway); or, on loopback, --demo-identity (an embedded provider with demo users) or --insecure-dev (no credentials, for tests and local experiments)');
  }
  // Checked before the store opens: a refused host or a bad issuer leaves nothing behind.
  (opts.authenticator ?? (opts.identity || opts.demoIdentity ? undefined : insecureDev))?.checkHost(host);
  const demo = !opts.authenticator && !opts.identity && opts.demoIdentity ? await startDemo(host, opts.demoIdentity, log) : undefined;
  const identity = demo?.identity ?? opts.identity;
  const verifier = identity ? keycloakVerifier(identity) : undefined;
  const tls = opts.tls && readTls(opts.tls);
  const limits = resolveLimits(opts.limits);
  const badInput = new RateLimitedLog(log, limits.logLinesPerWindow, limits.logWindowMs);

  const db = openSqliteFile(opts.dataDir);
  const store = new SqliteStore(db);
  const audit = new SqliteAuditLog(db);
  const keys = new AgentKeys(db);
  const authenticator: Authenticator = opts.authenticator ?? (verifier ? userTokens(verifier, agentKeyAuth(keys)) : insecureDev);
  if (authenticator === insecureDev) log('WARNING: --insecure-dev: anyone who reaches this port acts without credentials; loopback only, never in production');
  const agents = new AgentRegistry();
  const subscribers = new Subscribers(log);
  const bus = new InProcessBus(agents, subscribers);
  const states = new ActionStates();
  const now = Date.now;
  const refusalLimit = new RefusalLimit(now);
  const actions = new ActionService({ store, audit, bus, states, now, maxActions: opts.maxActions, maxExpiryMs: limits.maxExpiryMs, log });
  const hitCounts = new HitCounts({ store, createdAtMs: (id) => actions.createdAtMs(id), now, maxPerSecond: limits.maxHitsPerSecond });
  const drops = new GatewayDrops();
  const policy = new PolicyHolder(opts.dataDir, bus, now, log);

  // Set by close(): connections still closing must not touch the closed store.
  let closing = false;
  const health = () => healthReport({ agents, clients: () => subscribers.size, actions: () => actions.size, drops });
  const identityInfo = verifier ? { issuer: verifier.issuer, clientId: identity?.loginClientId ?? 'sonde-cli' } : undefined;
  const serve = (req: Parameters<typeof serveHttp>[0], res: Parameters<typeof serveHttp>[1]) => serveHttp(req, res, health, identityInfo);
  const http = tls ? createTlsServer(tls, serve) : createServer(serve);
  const wss = acceptUpgrades(http, {
    endpoints: {
      '/v1/agent': agentEndpoint({ store, agents, states, actions, hitCounts, bus, drops, limits, log, badInput, now, policy, keys, audit }),
      '/v1/client': clientEndpoint({ store, actions, bus, subscribers, log, policy, audit, admin: { keys, agents, audit, now, log } }),
    },
    authenticator,
    limits,
    log,
    badInput,
    closing: () => closing,
    audit: {
      admitted: (p, path, remote) => {
        if (p.kind === 'user') audit.append({ timeMs: now(), who: p.name, subject: p.subject, what: 'connect', actionId: '', detail: `${path}, roles ${p.roles.filter((r) => r.startsWith('sonde-')).join(',') || '-'}`, remote });
      },
      refused: (r, path, remote) => {
        const { write, held } = refusalLimit.admit(remote.replace(/:\d+$/, ''));
        const more = held > 0 ? ` (and ${held} more refused from this address in the minute before, not written one by one)` : '';
        if (write) audit.append({ timeMs: now(), who: '?', what: 'connect', actionId: '', detail: `${path}: ${r.status} ${r.message}${more}`, remote, outcome: 'refused' });
      },
      renewalRefused: (p, r, remote) => audit.append({ timeMs: now(), who: p.name, subject: p.subject, what: 'renew', actionId: '', detail: `${r.status} ${r.message}`, remote, outcome: 'refused' }),
    },
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const sweep = setInterval(() => actions.expireDue(), EXPIRY_SWEEP_MS);
  sweep.unref();
  log(`listening on ${url} (${authenticator.description}); data in ${opts.dataDir}`);

  return {
    url,
    port,
    async close() {
      closing = true;
      clearInterval(sweep);
      badInput.flush();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      actions.flush();
      db.close();
      await demo?.provider.close();
    },
  };
}

/** The embedded demo provider (loaded only when asked for: oidc-provider is large), and the identity it gives the gateway. */
async function startDemo(host: string, demo: true | { accessTokenSeconds?: number }, log: (msg: string) => void) {
  const { startDemoIdentity, DEMO_AUDIENCE, DEMO_LOGIN_CLIENT } = await import('./demo-identity/demo-provider.js');
  const { DEMO_USERS } = await import('./demo-identity/demo-users.js');
  const provider = await startDemoIdentity({ host, ...(demo === true ? {} : demo) });
  const users = DEMO_USERS.map((u) => `${u.name}/${u.password}`).join(', ');
  log(`WARNING: --demo-identity: people sign in on the embedded demo provider ${provider.issuer} as ${users} (published passwords); loopback only, never in production: there, give --oidc-issuer with your Keycloak realm`);
  return { provider, identity: { issuer: provider.issuer, audience: DEMO_AUDIENCE, loginClientId: DEMO_LOGIN_CLIENT } };
}

/** The certificate and key, read before anything opens; an unreadable file says which and why. */
function readTls(files: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`);
    }
  };
  return { cert: read(files.certFile, 'certificate'), key: read(files.keyFile, 'key') };
}
