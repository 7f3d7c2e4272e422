// @sonde/lsp-server: the language server (runStdio, createServer) and
// Sonde's LSP extensions. The gateway client and the action mirror live in
// @sonde/client-core; they are re-exported here for code that took them from
// this package.
export { runStdio } from './main.js';
export { createServer, type ServerOptions } from './server.js';
export {
  GatewayClient,
  GatewayRequestError,
  GatewayUnavailableError,
  clientEndpoint,
  type GatewayClientOptions,
  type GatewayClientEvents,
  type GatewayClientEvent,
  type ActionInfo,
  type Action,
  type AgentInfo,
  type GatewayEvent,
  ActionMirror,
  summarise,
  type MirroredAction,
  type MirrorChange,
  type AgentState,
  type StateSummary,
} from '@sonde/client-core';
export { Workspace, loadTarget, parseTarget } from './workspace.js';
export { defaultFormat, identifiersRead } from './features/default-format.js';
export * from './lsp-protocol.js';
