// Turns HTTP upgrades into connections: picks the endpoint by path,
// authenticates (a refusal is answered on the upgrade with its HTTP status),
// then opens the WebSocket and keeps it alive with pings.
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '@sonde/protocol';
import type { EndpointPath } from '@sonde/rpc';
import type { Authenticator, Authentication } from '../auth/authenticator.js';
import { Peer, type Endpoint } from './peer.js';

const PING_INTERVAL_MS = 30_000;

export interface UpgradeOptions {
  endpoints: Record<EndpointPath, Endpoint>;
  authenticator: Authenticator;
  log: (msg: string) => void;
  /** True once the gateway is closing: connections still closing must not touch the closed store. */
  closing: () => boolean;
}

/** Serves the endpoints' WebSockets on `http`; the returned server's clients are the open connections. */
export function acceptUpgrades(http: Server, opts: UpgradeOptions): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const endpoints: Partial<Record<string, Endpoint>> = opts.endpoints;

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const endpoint = endpoints[path];
    if (!endpoint) {
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nno WebSocket endpoint ${path}; use /v1/agent or /v1/client\n`);
      return;
    }
    const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    // Node removed its own error listener for the upgrade; one must be there while authentication runs.
    const earlyError = (err: Error) => opts.log(`${path} ${remote}: ${err.message} before the upgrade`);
    socket.on('error', earlyError);
    void authenticate(opts, req, path as EndpointPath, remote).then((result) => {
      if ('refusal' in result) {
        const { status, message } = result.refusal;
        socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\nContent-Type: text/plain\r\n\r\n${message}\n`);
        return;
      }
      if (socket.destroyed) return;
      socket.off('error', earlyError);
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        const peer = new Peer(ws, remote, path as EndpointPath, result.principal, endpoint.handlers, opts.log);
        keepAlive(ws);
        ws.on('error', (err) => opts.log(`${path} ${remote}: ${err.message}`));
        ws.on('close', (code, reason) => {
          if (code === 1009) opts.log(`${path} ${remote}: closed, frame over ${MAX_FRAME_BYTES} bytes (${reason.toString()})`);
          if (!opts.closing()) endpoint.onClose(peer);
        });
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

/** Terminates a connection that missed a pong: a peer gone without a close. */
function keepAlive(ws: WebSocket): void {
  let alive = true;
  ws.on('pong', () => (alive = true));
  const ping = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, PING_INTERVAL_MS);
  ping.unref();
  ws.on('close', () => clearInterval(ping));
}
