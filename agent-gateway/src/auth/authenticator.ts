// The seam where identity plugs in: every WebSocket upgrade is authenticated
// before it becomes a connection, so that each connection carries the
// principal that its messages act as. --insecure-dev is one implementation;
// user tokens and agent keys come later beside it.
import type { IncomingMessage } from 'node:http';
import type { EndpointPath } from '@sonde/rpc';
import type { Principal } from './principal.js';

/** A refusal is answered on the upgrade with this HTTP status and message; no WebSocket is opened. */
export interface Refusal {
  status: number;
  message: string;
}

export type Authentication = { principal: Principal } | { refusal: Refusal };

export interface Authenticator {
  /** What the startup line says about credentials: "--insecure-dev: no credentials checked, loopback only". */
  readonly description: string;
  /** Throws an Error saying why when it must not serve on this host (binding is refused before listening). */
  checkHost(host: string): void;
  /** Credentials travel in the upgrade's Authorization header. A throw is answered 500 and logged. */
  authenticate(request: IncomingMessage, endpoint: EndpointPath): Authentication | Promise<Authentication>;
  /**
   * A fresh token for a live connection (Reauthenticate): the principal it
   * now acts as, or why not. Absent where credentials do not expire.
   */
  renew?(token: string, current: Principal): Promise<Authentication>;
}
