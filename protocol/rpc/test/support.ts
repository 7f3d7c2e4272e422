// A WebSocket server on loopback for the RPC layer's tests: every accepted
// socket is handed to the test, which decides what the other end does.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export interface TestServer {
  url: string;
  /** Resolves with the next socket the server accepts, and the upgrade request. */
  nextSocket(): Promise<{ socket: WebSocket; request: IncomingMessage }>;
  /** Upgrades answered with this HTTP status instead (undefined: accept). */
  refuseWith: number | undefined;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const http: Server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const queue: { socket: WebSocket; request: IncomingMessage }[] = [];
  const waiting: ((s: { socket: WebSocket; request: IncomingMessage }) => void)[] = [];
  const server: TestServer = {
    url: '',
    refuseWith: undefined,
    nextSocket: () => {
      const s = queue.shift();
      return s ? Promise.resolve(s) : new Promise((resolve) => waiting.push(resolve));
    },
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  http.on('upgrade', (request, socket, head) => {
    if (server.refuseWith !== undefined) {
      socket.end(`HTTP/1.1 ${server.refuseWith} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const accepted = { socket: ws, request };
      const w = waiting.shift();
      if (w) w(accepted);
      else queue.push(accepted);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return server;
}

export async function openClient(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/** Resolves with the next binary frame a raw socket receives. */
export function nextFrame(ws: WebSocket): Promise<Buffer> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(data as Buffer)));
}
