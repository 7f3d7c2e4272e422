// @sonde/client-core: what every Sonde client builds on (the language server,
// the command line, later the MCP server and the editor clients): the gateway
// client, the action mirror, and how each action kind reads to a person.
// Nothing here knows LSP.
export {
  GatewayClient,
  clientEndpoint,
  type GatewayClientOptions,
  type GatewayClientEvents,
  type GatewayClientEvent,
  type ActionInfo,
  type Action,
  type AgentInfo,
  type GatewayEvent,
} from './gateway-client.js';
export { GatewayRequestError, GatewayUnavailableError } from './gateway-errors.js';
export {
  ActionMirror,
  leadingState,
  normalisePath,
  summarise,
  type AgentState,
  type MetricFigures,
  type MirroredAction,
  type MirrorChange,
  type StateSummary,
} from './action-mirror.js';
export {
  describeAction,
  expiredText,
  costText,
  figuresText,
  hitsText,
  kindLabel,
  kindWord,
  lossSentence,
  lossText,
  reasonCodeLabel,
  stateFormat,
  stateLabel,
  stateText,
  truncate,
  type StateLabel,
} from './action-text.js';
export { LINES_PER_ACTION, RecentLogs, type RecentLine } from './recent-logs.js';
export {
  SNAPSHOT_ACTIONS,
  SNAPSHOT_AGENTS_PER_ACTION,
  SnapshotStore,
  snapshotOf,
  type CapturedSnapshot,
  type SnapshotFrame,
  type SnapshotVariable,
} from './snapshots.js';
export { gatewayIdentity, providerEndpoints, TokenEndpointError, type GatewayIdentity, type TokenSet } from './identity/oidc.js';
export { startDeviceLogin, type DeviceLogin } from './identity/device-flow.js';
export { configDir, TokenStore, type StoredLogin } from './identity/token-store.js';
export { TokenSession } from './identity/token-session.js';
export { TokenRenewal, type TokenRenewalOptions } from './identity/token-renewal.js';
