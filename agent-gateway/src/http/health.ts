// The gateway's plain HTTP: /health, /v1/identity (where clients sign in), and a 404 that names what is served.
// Beside the counts, /health says what was lost: what each connected agent
// reports it dropped or held back (its AgentStats), and what the gateway
// itself refused of their events (connections/drops.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SONDE_VERSION } from '@sonde/protocol';
import type { DropCounts } from '../connections/drops.js';

export interface AgentHealth {
  agentId: string;
  /** From the agent's last AgentStats: events lost in the agent (buffer full), and hits the rate limit held back. */
  droppedEvents: number;
  suppressed: number;
  /** What the gateway refused or dropped of this connection's events, by why. */
  gatewayDropped: DropCounts;
}

export interface Health {
  agents: number;
  clients: number;
  actions: number;
  /** Summed over the connected agents. */
  droppedEvents: number;
  suppressed: number;
  /** Since the gateway started, every agent included. */
  gatewayDropped: DropCounts;
  perAgent: AgentHealth[];
}

/** Where clients sign in (GET /v1/identity): the provider and the public client the device flow uses; none under --insecure-dev. */
export interface IdentityInfo {
  issuer: string;
  clientId: string;
}

export function serveHttp(req: IncomingMessage, res: ServerResponse, health: () => Health, identity?: IdentityInfo): void {
  const path = new URL(req.url ?? '/', 'http://gateway').pathname;
  if (path === '/v1/identity') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(identity === undefined ? { required: false } : { required: true, ...identity }));
    return;
  }
  if (path === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', version: SONDE_VERSION, ...health() }));
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end(`no such path ${path}: the gateway serves /health, /v1/identity, and WebSockets on /v1/agent and /v1/client\n`);
}
