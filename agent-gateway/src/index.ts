export { startGateway, type GatewayOptions, type RunningGateway } from './server.js';
export { parseGatewayArgs, GATEWAY_USAGE } from './options.js';
export type { Authenticator, Authentication, Refusal } from './auth/authenticator.js';
export type { Principal } from './auth/principal.js';
export { insecureDev } from './auth/insecure-dev.js';
export { DEFAULT_LIMITS, type GatewayLimits } from './limits.js';
