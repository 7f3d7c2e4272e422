// `sonde gateway` command-line options.
import { parseArgs } from 'node:util';
import type { GatewayOptions } from './server.js';

export const GATEWAY_USAGE = `usage: sonde gateway (--oidc-issuer URL | --demo-identity | --insecure-dev) [--port N] [--host ADDR] [--data DIR]

  --oidc-issuer URL    people sign in with this Keycloak realm (https://HOST/realms/REALM);
                       every client token is verified against it
  --oidc-audience ID   the audience tokens must carry: the gateway's client id (default sonde-gateway)
  --oidc-login-client ID  the realm's public client editors and the CLI sign in through (default sonde-cli)
  --tls-cert FILE      serve https/wss with this PEM certificate (chain); needs --tls-key
  --tls-key FILE       its PEM private key
  --port N             port to listen on (default 8790; 0 picks a free one)
  --host ADDR          address to bind (default 127.0.0.1; --insecure-dev allows loopback only)
  --data DIR           folder for the SQLite store (default ./.sonde-data)
  --demo-identity      people sign in on an embedded demo identity provider (users demo and viewer,
                       passwords on its page), loopback only: the demo; production gives --oidc-issuer
  --insecure-dev       no credentials are checked, loopback only: tests and local experiments`;

/** Parses argv into options; throws an Error whose message says what was wrong. */
export function parseGatewayArgs(argv: string[]): GatewayOptions & { help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      'insecure-dev': { type: 'boolean' },
      'demo-identity': { type: 'boolean' },
      'oidc-issuer': { type: 'string' },
      'oidc-audience': { type: 'string' },
      'oidc-login-client': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const identities = [values['oidc-issuer'] !== undefined && '--oidc-issuer', values['demo-identity'] && '--demo-identity', values['insecure-dev'] && '--insecure-dev'].filter(Boolean);
  if (identities.length > 1) throw new Error(`${identities.join(' and ')} exclude each other: give one way people are identified`);
  if (values['oidc-audience'] !== undefined && values['oidc-issuer'] === undefined) throw new Error('--oidc-audience needs --oidc-issuer');
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new Error('--tls-cert and --tls-key go together: the certificate and its private key');
  const port = values.port === undefined ? 8790 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port} is not a port number (0-65535)`);
  return {
    help: values.help ?? false,
    port,
    host: values.host ?? '127.0.0.1',
    dataDir: values.data ?? '.sonde-data',
    insecureDev: values['insecure-dev'] ?? false,
    demoIdentity: values['demo-identity'] ?? false,
    tls: values['tls-cert'] === undefined ? undefined : { certFile: values['tls-cert'], keyFile: values['tls-key']! },
    identity: values['oidc-issuer'] === undefined ? undefined : { issuer: values['oidc-issuer'], audience: values['oidc-audience'] ?? 'sonde-gateway', loginClientId: values['oidc-login-client'] ?? 'sonde-cli' },
  };
}
