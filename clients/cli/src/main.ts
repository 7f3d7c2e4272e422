// `sonde <command>`: one binary whose subcommands start the servers from their
// own packages. Returns the exit code, or undefined while a server runs.
// Each command imports its package only when it runs, so that `sonde lsp`
// never loads the gateway's native SQLite module.
import { SONDE_VERSION } from '@sonde/protocol';

const USAGE = `usage: sonde <command> [options]

commands:
  gateway   run the gateway (agents and editors connect to it)
  lsp       run the language server on stdin/stdout (editors start this)
  login     sign in to the gateway's identity provider (logout forgets it)
  keys      create, list and revoke agent keys (admins)
  audit     print the gateway's audit log (admins; --json for JSON lines)
  version   print the version

Run "sonde <command> --help" for a command's options.`;


export async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'gateway':
      return gateway(rest);
    case 'lsp': {
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stderr.write('usage: sonde lsp [--stdio]\n\nSpeaks LSP on stdin/stdout. The gateway URL comes from initializationOptions.gatewayUrl or SONDE_GATEWAY_URL.\n');
        return 0;
      }
      // Imported here so that nothing the language server loads runs for other commands.
      const { runStdio } = await import('@sonde/lsp-server');
      runStdio();
      return undefined;
    }
    case 'login':
    case 'logout':
    case 'keys':
    case 'audit':
      return identityCommand(command, rest);
    case 'version':
    case '--version':
      process.stdout.write(`sonde ${SONDE_VERSION}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`sonde: unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

async function gateway(argv: string[]): Promise<number | undefined> {
  const { GATEWAY_USAGE, parseGatewayArgs, startGateway } = await import('@sonde/agent-gateway');
  let options;
  try {
    options = parseGatewayArgs(argv);
  } catch (err) {
    process.stderr.write(`sonde gateway: ${(err as Error).message}\n\n${GATEWAY_USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${GATEWAY_USAGE}\n`);
    return 0;
  }
  let running;
  try {
    running = await startGateway(options);
  } catch (err) {
    process.stderr.write(`sonde gateway: ${(err as Error).message}\n`);
    return 1;
  }
  const stop = () => {
    running.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return undefined;
}

async function identityCommand(command: 'login' | 'logout' | 'keys' | 'audit', argv: string[]): Promise<number> {
  const identity = await import('./identity.js');
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${identity.LOGIN_USAGE}\n`);
    return 0;
  }
  try {
    return await identity[command](argv);
  } catch (err) {
    process.stderr.write(`sonde ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
