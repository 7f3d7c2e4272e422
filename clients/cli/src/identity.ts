// `sonde login`, `sonde logout` and `sonde keys`: the same device flow and
// token store as the language server (@sonde/client-core), so that signing in
// once serves both. The gateway comes from --gateway or SONDE_GATEWAY_URL.
import { GatewayClient, gatewayIdentity, startDeviceLogin, TokenSession, TokenStore, type GatewayIdentity } from '@sonde/client-core';

export const LOGIN_USAGE = `usage: sonde login [--gateway URL]     sign in to the gateway's identity provider (device flow)
       sonde logout [--gateway URL]    forget the sign-in
       sonde keys create [--tag T]... [--description TEXT] | list | revoke ID   agent keys (admin)
       sonde audit [--json] [--after SEQ]   the gateway's audit log, oldest first (admin); --json: one JSON object a line

The gateway's URL comes from --gateway or SONDE_GATEWAY_URL.`;

function gatewayOf(argv: string[]): { url: string; rest: string[] } {
  const i = argv.indexOf('--gateway');
  const url = i >= 0 ? argv[i + 1] : process.env.SONDE_GATEWAY_URL;
  if (!url) throw new Error('no gateway: give --gateway http://HOST:PORT or set SONDE_GATEWAY_URL');
  return { url, rest: i >= 0 ? [...argv.slice(0, i), ...argv.slice(i + 2)] : argv };
}

const sessionOf = (id: GatewayIdentity) => TokenSession.of(id, new TokenStore());

export async function login(argv: string[]): Promise<number> {
  const { url } = gatewayOf(argv);
  const session = sessionOf(await gatewayIdentity(url));
  if (!session) {
    process.stdout.write(`the gateway at ${url} checks no identity (--insecure-dev): nothing to sign in to\n`);
    return 0;
  }
  const device = await startDeviceLogin(session.issuer, session.clientId);
  process.stdout.write(`To sign in, open ${device.verificationUriComplete ?? device.verificationUri}\nand confirm the code ${device.userCode}\n`);
  const user = session.signedIn(await device.tokens);
  process.stdout.write(`signed in as ${user}\n`);
  return 0;
}

export async function logout(argv: string[]): Promise<number> {
  const { url } = gatewayOf(argv);
  const session = sessionOf(await gatewayIdentity(url));
  process.stdout.write(session?.signOut() ? 'signed out\n' : 'nobody was signed in\n');
  return 0;
}

/** A gateway client signed in as the stored session (if the gateway checks identity). */
async function signedInClient(url: string): Promise<GatewayClient> {
  const session = sessionOf(await gatewayIdentity(url));
  const client = new GatewayClient({ url, token: () => session?.accessToken(), log: () => {} });
  client.connect();
  return client;
}

export async function audit(argv: string[]): Promise<number> {
  const { url, rest } = gatewayOf(argv);
  const json = rest.includes('--json');
  const at = rest.indexOf('--after');
  let after = at >= 0 ? Number(rest[at + 1]) : 0;
  if (!Number.isInteger(after) || after < 0) throw new Error(`--after ${rest[at + 1]} is not an entry number`);
  const client = await signedInClient(url);
  try {
    for (;;) {
      const page = await client.listAudit(after);
      if (page.length === 0) return 0;
      for (const e of page) {
        const time = new Date(Number(e.timeMs)).toISOString();
        process.stdout.write(json ? `${JSON.stringify({ seq: Number(e.seq), time, who: e.who, subject: e.subject, what: e.what, actionId: e.actionId, detail: e.detail, remote: e.remote, outcome: e.outcome })}\n` : `${e.seq}  ${time}  ${e.outcome}  ${e.who}  ${e.what}${e.actionId ? ` ${e.actionId}` : ''}  ${e.detail}  (${e.remote || 'gateway'})\n`);
      }
      after = Number(page.at(-1)!.seq);
    }
  } finally {
    await client.close();
  }
}

export async function keys(argv: string[]): Promise<number> {
  const { url, rest } = gatewayOf(argv);
  const [verb, ...args] = rest;
  const client = await signedInClient(url);
  try {
    if (verb === 'create') {
      const tags: string[] = [];
      let description = '';
      for (let i = 0; i < args.length; i++) {
        if (args[i] === '--tag' && args[i + 1]) tags.push(args[++i]!);
        else if (args[i] === '--description' && args[i + 1] !== undefined) description = args[++i]!;
        else throw new Error(`sonde keys create: unknown argument ${args[i]}`);
      }
      const { key, secret } = await client.createAgentKey(tags, description);
      process.stdout.write(`agent key ${key.id} (tags ${key.tags?.join(',') || 'any'})\n\n  SONDE_AGENT_KEY=${secret}\n\nThe secret is shown this once; give it to the agent.\n`);
    } else if (verb === 'list') {
      for (const k of await client.listAgentKeys()) {
        const state = Number(k.revokedAtMs) > 0 ? `revoked ${new Date(Number(k.revokedAtMs)).toISOString()}` : 'valid';
        process.stdout.write(`${k.id}  ${state}  tags ${k.tags?.join(',') || 'any'}  by ${k.createdBy}  ${k.description ?? ''}\n`);
      }
    } else if (verb === 'revoke' && args[0]) {
      const k = await client.revokeAgentKey(args[0]);
      process.stdout.write(`agent key ${k.id} revoked; its agents were disconnected\n`);
    } else {
      process.stderr.write(`${LOGIN_USAGE}\n`);
      return 2;
    }
    return 0;
  } finally {
    await client.close();
  }
}
