// @sonde/lsp-server: the language server (runStdio, createServer) and
// Sonde's LSP extensions. The gateway client and the action mirror are
// @sonde/client-core's: import them from there.
export { runStdio } from './main.js';
export { createServer, type ServerOptions } from './server.js';
export { Workspace, loadTarget, parseTarget } from './workspace.js';
export { defaultFormat, identifiersRead } from './features/default-format.js';
export * from './lsp-protocol.js';
