// Wires the gateway: the HTTP server (health), the two WebSocket endpoints,
// the store and the expiry sweep. Nothing else lives here.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '@sonde/protocol';
import { ActionService } from './action-service.js';
import { ActionStates } from './action-states.js';
import { agentHandlers } from './agent-endpoint.js';
import { AgentRegistry } from './agent-registry.js';
import { clientHandlers } from './client-endpoint.js';
import { Peer, type Handlers } from './peer.js';
import { Store } from './store.js';
import { Subscribers } from './subscribers.js';

export interface GatewayOptions {
  host?: string;
  port?: number;
  /** Folder for the SQLite file. */
  dataDir: string;
  /** Accept every agent and client without credentials; loopback only. */
  insecureDev: boolean;
  log?: (msg: string) => void;
  /** How many actions the gateway holds at once (default 10,000). */
  maxActions?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const PING_INTERVAL_MS = 30_000;
const EXPIRY_SWEEP_MS = 1_000;
export const GATEWAY_VERSION = '0.1.0';

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((msg: string) => process.stderr.write(`sonde gateway: ${msg}\n`));
  if (!opts.insecureDev) {
    throw new Error('the gateway has no authentication yet: start it with --insecure-dev (loopback only) until identity lands');
  }
  if (!LOOPBACK.has(host)) {
    throw new Error(`--insecure-dev refuses to listen on ${host}: it accepts anyone without credentials, so it binds to loopback only (127.0.0.1 or ::1)`);
  }

  const store = new Store(opts.dataDir);
  const agents = new AgentRegistry();
  const states = new ActionStates();
  const subscribers = new Subscribers();
  const now = Date.now;
  const actions = new ActionService(store, agents, states, subscribers, now, opts.maxActions);
  const agentSide = agentHandlers({ store, agents, states, actions, subscribers, log, now });
  const clientSide = clientHandlers({ store, agents, actions, subscribers }, () => 'dev');
  const endpoints: Record<string, { handlers: Handlers; onClose: (peer: Peer) => void }> = {
    '/v1/agent': agentSide,
    '/v1/client': clientSide,
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  // Set by close(): connections still closing must not touch the closed store.
  let closing = false;
  const http = createServer((req, res) => serveHttp(req, res));

  function serveHttp(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', version: GATEWAY_VERSION, agents: agents.all().length, clients: subscribers.size, actions: actions.size }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`no such path ${path}: the gateway serves /health, and WebSockets on /v1/agent and /v1/client\n`);
  }

  http.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const endpoint = endpoints[path];
    if (!endpoint) {
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nno WebSocket endpoint ${path}; use /v1/agent or /v1/client\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
      const peer = new Peer(ws, remote, path, endpoint.handlers, log);
      let alive = true;
      ws.on('pong', () => (alive = true));
      const ping = setInterval(() => {
        if (!alive) return ws.terminate();
        alive = false;
        ws.ping();
      }, PING_INTERVAL_MS);
      ping.unref();
      ws.on('error', (err) => log(`${path} ${remote}: ${err.message}`));
      ws.on('close', (code, reason) => {
        clearInterval(ping);
        if (code === 1009) log(`${path} ${remote}: closed, frame over ${MAX_FRAME_BYTES} bytes (${reason.toString()})`);
        if (!closing) endpoint.onClose(peer);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const sweep = setInterval(() => actions.expireDue(), EXPIRY_SWEEP_MS);
  sweep.unref();
  log(`listening on ${url} (--insecure-dev: no credentials checked, loopback only); data in ${opts.dataDir}`);

  return {
    url,
    port,
    async close() {
      closing = true;
      clearInterval(sweep);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      store.close();
    },
  };
}
