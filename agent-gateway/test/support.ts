// Shared pieces of the hardening tests: a gateway on a throw-away data
// folder that can be restarted, a requester built on the same RPC layer the
// agents and the client core use (it merges replies in parts), and a
// stand-in agent on that layer whose hello reply may come in parts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { sonde, type Envelope, type EnvelopeInit } from '@sonde/protocol';
import { EnvelopeChannel, endpointUrl, type EndpointPath, type Handlers } from '@sonde/rpc';
import { startGateway, type GatewayOptions, type RunningGateway } from '../src/index.js';

export interface Gw {
  url: string;
  gw: RunningGateway;
  dataDir: string;
  logs: string[];
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startGw(opts: Partial<GatewayOptions> = {}): Promise<Gw> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sonde-gw-hard-'));
  const logs: string[] = [];
  const start = () => startGateway({ dataDir, insecureDev: true, port: 0, log: (m) => void logs.push(m), ...opts });
  const g: Gw = {
    url: '',
    gw: await start(),
    dataDir,
    logs,
    async restart() {
      await g.gw.close();
      g.gw = await start();
      g.url = g.gw.url;
    },
    async close() {
      await g.gw.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  g.url = g.gw.url;
  return g;
}

/** An EnvelopeChannel on a fresh connection: requests resolve with whole replies, parts merged. */
export async function channelTo(url: string, path: EndpointPath, handlers: Handlers = {}): Promise<{ channel: EnvelopeChannel; pushes: Envelope[]; ws: WebSocket }> {
  const ws = new WebSocket(endpointUrl(url, path));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pushes: Envelope[] = [];
  const channel = new EnvelopeChannel(ws, { endpoint: 'the test', peer: 'the gateway', handlers, fallback: (e) => void pushes.push(e) });
  return { channel, pushes, ws };
}

/** An agent on the RPC layer that sees `files` and says hello; its `actions` are the whole (merged) hello reply. */
export async function helloAgent(url: string, hello: sonde.v1.IHello, files: string[]): Promise<{ channel: EnvelopeChannel; actions: sonde.v1.IAction[]; ws: WebSocket }> {
  const { channel, ws } = await channelTo(url, '/v1/agent', {
    fileQuery: (e) => ({ fileQueryResult: { loadedPath: files.find((f) => f.endsWith(`/${e.fileQuery?.path}`)) ?? '' } }),
  });
  const reply = await channel.request({ hello: { runtime: sonde.v1.Runtime.RUNTIME_NODE, roots: ['/srv/app'], files: files.map((path) => ({ path })), ...hello } }, { expect: 'actionSet', what: 'hello' });
  return { channel, actions: reply.actionSet?.actions ?? [], ws };
}

export async function health(url: string): Promise<HealthBody> {
  return (await (await fetch(`${url}/health`)).json()) as HealthBody;
}

export interface HealthBody {
  agents: number;
  droppedEvents: number;
  suppressed: number;
  gatewayDropped: Record<string, number>;
  perAgent: { agentId: string; droppedEvents: number; suppressed: number; gatewayDropped: Record<string, number> }[];
}

/** Resolves once `condition` holds, checked as the gateway's log grows (no timing: it waits for the event). */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const LOG_ACTION: sonde.v1.IAction = { kind: sonde.v1.ActionKind.ACTION_KIND_LOG, location: { file: 'src/server.js', line: 12 }, format: 'name={name}' };

export function request(channel: EnvelopeChannel, init: EnvelopeInit, what: string): Promise<Envelope> {
  return channel.request(init, { what });
}
