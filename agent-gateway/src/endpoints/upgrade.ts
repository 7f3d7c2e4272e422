// Turns HTTP upgrades into connections: picks the endpoint by path, counts
// the connection against its address's limit (429 past it), authenticates
// (a refusal is answered on the upgrade with its HTTP status), then opens
// the WebSocket and keeps it alive with pings.
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import { sonde } from '@sonde/protocol';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '@sonde/protocol';
import { RequestError, type EndpointPath, type Handler } from '@sonde/rpc';
import type { Authenticator, Authentication, Refusal } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { ConnectionsPerAddress } from '../connections/per-address.js';
import type { GatewayLimits } from '../limits.js';
import type { RateLimitedLog } from '../logging/rate-limited-log.js';
import { Peer, type Endpoint } from './peer.js';

const PING_INTERVAL_MS = 30_000;

export interface UpgradeOptions {
  endpoints: Record<EndpointPath, Endpoint>;
  authenticator: Authenticator;
  limits: GatewayLimits;
  log: (msg: string) => void;
  badInput: RateLimitedLog;
  /** True once the gateway is closing: connections still closing must not touch the closed store. */
  closing: () => boolean;
  /** Told of every connection let in and every one refused (the audit log). */
  audit?: {
    admitted(principal: Principal, path: EndpointPath, remote: string): void;
    refused(refusal: Refusal, path: EndpointPath, remote: string): void;
    /** A live connection's fresh token was refused (it goes on until its current token expires). */
    renewalRefused(principal: Principal, refusal: Refusal, remote: string): void;
  };
}

/** Close code for a connection whose credential expired: the client reconnects with a fresh one. */
export const CREDENTIAL_EXPIRED = 4401;
const MAX_TIMER_MS = 2 ** 31 - 1;

function answer(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}\n`);
}

/** Serves the endpoints' WebSockets on `http`; the returned server's clients are the open connections. */
export function acceptUpgrades(http: Server, opts: UpgradeOptions): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const endpoints: Partial<Record<string, Endpoint>> = opts.endpoints;
  const perAddress = new ConnectionsPerAddress(opts.limits.maxConnectionsPerAddress);
  const expiries = new WeakMap<Peer, Expiry>();
  const reauthenticate = renewal(opts, (peer) => expiries.get(peer));

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const endpoint = endpoints[path];
    if (!endpoint) return answer(socket, 404, `no WebSocket endpoint ${path}; use /v1/agent or /v1/client`);
    const address = req.socket.remoteAddress ?? '?';
    const remote = `${address}:${req.socket.remotePort}`;
    if (!perAddress.admit(address)) {
      opts.badInput.write('connections over the limit per address', `${path} ${remote}: refused, ${opts.limits.maxConnectionsPerAddress} connections from ${address} are open`);
      return answer(socket, 429, `too many connections from ${address}: ${opts.limits.maxConnectionsPerAddress} are open, the gateway's limit per address; close some, or raise the gateway's maxConnectionsPerAddress (agents behind one NAT share an address)`);
    }
    // The raw socket closes however the connection ends (refused, failed, or a WebSocket closed).
    socket.once('close', () => perAddress.release(address));
    // Node removed its own error listener for the upgrade; one must be there while authentication runs.
    const earlyError = (err: Error) => opts.badInput.write('connection errors', `${path} ${remote}: ${err.message} before the upgrade`);
    socket.on('error', earlyError);
    void authenticate(opts, req, path as EndpointPath, remote).then((result) => {
      if ('refusal' in result) {
        opts.audit?.refused(result.refusal, path as EndpointPath, remote);
        return answer(socket, result.refusal.status, result.refusal.message);
      }
      if (socket.destroyed) return;
      opts.audit?.admitted(result.principal, path as EndpointPath, remote);
      socket.off('error', earlyError);
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        const peer = new Peer(ws, remote, path as EndpointPath, result.principal, { ...endpoint.handlers, reauthenticate }, opts.log, {
          maxMessagesInFlight: opts.limits.maxMessagesInFlight,
          recover: endpoint.recover,
          badInput: opts.badInput,
        });
        keepAlive(ws, peer);
        expiries.set(peer, new Expiry(ws, result.principal.expiresAtMs));
        ws.on('error', (err) => opts.badInput.write('connection errors', `${path} ${remote}: ${err.message}`));
        ws.on('close', (code, reason) => {
          if (code === 1009) opts.badInput.write('frames over the limit', `${path} ${remote}: closed, frame over ${MAX_FRAME_BYTES} bytes (${reason.toString()})`);
          if (!opts.closing()) endpoint.onClose(peer);
        });
        endpoint.onOpen?.(peer);
      });
    });
  });
  return wss;
}

async function authenticate(opts: UpgradeOptions, req: IncomingMessage, path: EndpointPath, remote: string): Promise<Authentication> {
  try {
    return await opts.authenticator.authenticate(req, path);
  } catch (err) {
    opts.log(`${path} ${remote}: authentication failed inside the gateway: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { refusal: { status: 500, message: `authentication failed inside the gateway: ${err instanceof Error ? err.message : String(err)}; try again, and report it if it persists` } };
  }
}

/** A connection acts only while its credential is valid: closed when it expires, unless a fresh one renewed it first. */
class Expiry {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    expiresAtMs: number | undefined,
  ) {
    ws.on('close', () => clearTimeout(this.timer));
    this.arm(expiresAtMs);
  }

  arm(expiresAtMs: number | undefined): void {
    clearTimeout(this.timer);
    if (expiresAtMs === undefined || expiresAtMs <= 0) return;
    const close = () => this.ws.close(CREDENTIAL_EXPIRED, 'the access token expired; reconnect with a fresh one');
    const ms = expiresAtMs - Date.now();
    if (ms <= 0) return close();
    this.timer = setTimeout(close, Math.min(ms, MAX_TIMER_MS));
    this.timer.unref();
  }
}

/** Reauthenticate: the same person's fresh token renews the live connection, so that nothing on it is lost to a reconnection. */
function renewal(opts: UpgradeOptions, expiryOf: (peer: Peer) => Expiry | undefined): Handler<Peer> {
  return async (envelope, peer) => {
    const token = envelope.reauthenticate?.accessToken ?? '';
    let result: Authentication;
    try {
      result = opts.authenticator.renew ? await opts.authenticator.renew(token, peer.principal) : { refusal: { status: 400, message: 'this gateway\'s credentials do not expire: there is nothing to renew' } };
    } catch (err) {
      opts.log(`${peer.endpoint} ${peer.remote}: renewing the token failed inside the gateway: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      result = { refusal: { status: 500, message: `renewing the token failed inside the gateway: ${err instanceof Error ? err.message : String(err)}; the connection goes on until its token expires` } };
    }
    if ('refusal' in result) {
      opts.audit?.renewalRefused(peer.principal, result.refusal, peer.remote);
      throw new RequestError(sonde.v1.ErrorCode.ERROR_CODE_UNAUTHENTICATED, `the fresh token was refused: ${result.refusal.message}`);
    }
    peer.renew(result.principal);
    expiryOf(peer)?.arm(result.principal.expiresAtMs);
    return { ack: {} };
  };
}

/** Terminates a connection that missed a pong: a peer gone without a close. One the gateway stopped reading counts as alive. */
function keepAlive(ws: WebSocket, peer: Peer): void {
  let alive = true;
  ws.on('pong', () => (alive = true));
  const ping = setInterval(() => {
    if (!alive && !peer.readPaused) return ws.terminate();
    alive = false;
    ws.ping();
  }, PING_INTERVAL_MS);
  ping.unref();
  ws.on('close', () => clearInterval(ping));
}
