// `sonde lsp`: the language server on stdin/stdout.
import { format } from 'node:util';
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { createServer, type ServerOptions } from './server.js';

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
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  createServer(connection, options);
  connection.listen();
  return connection;
}
