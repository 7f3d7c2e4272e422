// Sonde's envelope RPC layer: what every TypeScript peer (gateway, agent,
// language server, command line, test peers) shares to speak sonde.v1 over
// WebSocket. It sits under the schema package as vscode-jsonrpc sits under
// the LSP protocol.
export { EnvelopeChannel, MAX_REPLY_BYTES, type ChannelOptions, type Handler, type Handlers, type ProtocolProblem, type Reply, type RequestOptions } from './channel.js';
export { fitFrames, type FitOptions } from './frames.js';
export { Reconnector, type Credential, type Outage, type ReconnectorEvents, type ReconnectorOptions } from './reconnector.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export { endpointUrl, type EndpointPath } from './endpoint-url.js';
export { RequestError, UnavailableError } from './errors.js';
