export { startGateway, GATEWAY_VERSION, type GatewayOptions, type RunningGateway } from './server.js';
export { parseGatewayArgs, GATEWAY_USAGE } from './options.js';
