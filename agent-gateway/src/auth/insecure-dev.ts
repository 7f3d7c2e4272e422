// --insecure-dev: everyone is the `dev` principal, no credentials checked.
// Safe only where nobody else can connect, hence loopback only.
import type { Authenticator } from './authenticator.js';
import type { Principal } from './principal.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const DEV: Principal = { kind: 'dev', name: 'dev', roles: [] };

export const insecureDev: Authenticator = {
  description: '--insecure-dev: no credentials checked, loopback only',
  checkHost(host) {
    if (!LOOPBACK.has(host)) {
      throw new Error(`--insecure-dev refuses to listen on ${host}: it accepts anyone without credentials, so it binds to loopback only (127.0.0.1 or ::1)`);
    }
  },
  authenticate: () => ({ principal: { ...DEV, roles: [...DEV.roles] } }),
};
