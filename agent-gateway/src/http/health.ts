// The gateway's plain HTTP: /health, and a 404 that names what is served.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SONDE_VERSION } from '@sonde/protocol';

export interface HealthCounts {
  agents: number;
  clients: number;
  actions: number;
}

export function serveHttp(req: IncomingMessage, res: ServerResponse, counts: () => HealthCounts): void {
  const path = new URL(req.url ?? '/', 'http://gateway').pathname;
  if (path === '/health') {
    const { agents, clients, actions } = counts();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', version: SONDE_VERSION, agents, clients, actions }));
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end(`no such path ${path}: the gateway serves /health, and WebSockets on /v1/agent and /v1/client\n`);
}
