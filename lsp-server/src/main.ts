// `sonde lsp`: the language server on stdin/stdout.
import { format } from 'node:util';
import { StreamMessageWriter } from 'vscode-jsonrpc/node';
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { createServer, type ServerOptions } from './server.js';
import { DEFAULT_FRAMING_LIMITS, StrictMessageReader } from './stdio-framing.js';

/** Overrides how long a message may stall part-way before the stream counts as lost (tests use a short one). */
export const STALL_ENV = 'SONDE_LSP_STALL_MS';

const LOGGED_REJECTIONS = 20;

/**
 * Runs the language server over this process's stdin and stdout, which then
 * carry LSP only: console output is sent to stderr instead.
 */
export function runStdio(options: ServerOptions = {}): Connection {
  // vscode-languageserver reroutes console only for `--stdio` on the command
  // line; `sonde lsp` passes the streams itself, so do it here.
  const toStderr = (...args: unknown[]): void => void process.stderr.write(`${format(...args)}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
  console.trace = toStderr;
  console.dir = (value: unknown) => toStderr(value);

  const writer = new StreamMessageWriter(process.stdout);
  let rejected = 0;
  const reader = new StrictMessageReader(
    process.stdin,
    {
      reject: (response) => {
        // Every bad message is answered; only the first few are logged, so that a flood does not fill the editor's log.
        rejected++;
        if (rejected <= LOGGED_REJECTIONS) process.stderr.write(`Sonde language server: ${response.error?.message ?? 'a bad message'}\n`);
        if (rejected === LOGGED_REJECTIONS) process.stderr.write(`Sonde language server: ${LOGGED_REJECTIONS} bad messages so far; the next ones are answered but not logged\n`);
        void writer.write(response);
      },
      // Out of step, every later byte would be misread: say why and let the editor start a fresh server.
      lost: (reason) => {
        process.stderr.write(`Sonde language server: cannot read the editor's messages any more: ${reason}; exiting so that the editor can restart it\n`);
        process.exit(2);
      },
    },
    { ...DEFAULT_FRAMING_LIMITS, stallMs: stallMs(process.env[STALL_ENV]) },
  );
  const connection = createConnection(ProposedFeatures.all, reader, writer);
  const server = createServer(connection, options);
  // The server ends when stdin does (vscode-languageserver does this only for streams it opens itself).
  reader.onClose(() => process.exit(server.shutdownRequested() ? 0 : 1));
  connection.listen();
  return connection;
}

function stallMs(value: string | undefined): number {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : DEFAULT_FRAMING_LIMITS.stallMs;
}
