// Shared pieces of the hardening tests (the gateway itself is
// @sonde/agent-gateway/testing's): a requester built on the same RPC layer the
// agents and the client core use (it merges replies in parts), and a
// stand-in agent on that layer whose hello reply may come in parts.
import WebSocket from 'ws';
import { sonde, type Envelope } from '@sonde/protocol';
import { EnvelopeChannel, endpointUrl, type EndpointPath, type Handlers } from '@sonde/rpc';
import type { AuditEntry } from '../src/audit/audit-log.js';
import { SqliteAuditLog } from '../src/audit/sqlite.js';
import { openSqliteFile } from '../src/store/sqlite.js';

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

export { refusedUpgrade } from '../src/testing.js';

/** The audit log in a gateway's data folder (the gateway must be closed: the file is opened here). */
export function readAudit(dataDir: string): AuditEntry[] {
  const db = openSqliteFile(dataDir);
  try {
    return new SqliteAuditLog(db).entries();
  } finally {
    db.close();
  }
}
