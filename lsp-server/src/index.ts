// @sonde/lsp-server: the language server (runStdio, createServer), the
// gateway client the command line reuses, and Sonde's LSP extensions.
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
} from './gateway-client.js';
export { ActionMirror, summarise, type MirroredAction, type MirrorChange, type AgentState, type StateSummary } from './action-mirror.js';
export { Workspace, loadTarget, parseTarget } from './workspace.js';
export { defaultFormat, identifiersRead } from './features/default-format.js';
export * from './lsp-protocol.js';
