// A scripted agent on the gateway's /v1/agent endpoint: says hello with a
// list of loaded files, answers file queries from it, records the actions it
// is sent, and sends whatever events a test gives it. It stands in for an
// in-process agent so that these tests exercise the real gateway.
import WebSocket from 'ws';
import { decodeEnvelope, encodeEnvelope, sonde, type Envelope, type EnvelopeInit } from '@sonde/protocol';

export class ScriptedAgent {
  readonly actions = new Map<string, sonde.v1.IAction>();
  private nextId = 1;
  private readonly replies = new Map<number, (e: Envelope) => void>();
  private readonly waiters: (() => void)[] = [];

  private constructor(
    private readonly ws: WebSocket,
    private readonly files: string[],
  ) {
    ws.on('message', (data) => this.receive(new Uint8Array(data as Buffer)));
  }

  static async connect(gatewayUrl: string, hello: { agentId: string; appName?: string; tags?: string[] }, files: string[]): Promise<ScriptedAgent> {
    const ws = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}/v1/agent`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const agent = new ScriptedAgent(ws, files);
    const reply = await agent.request({
      hello: { runtime: sonde.v1.Runtime.RUNTIME_NODE, pid: process.pid, host: 'test', roots: ['/srv/app'], files: files.map((path) => ({ path })), ...hello },
    });
    if (reply.error) throw new Error(`gateway refused the scripted agent's hello: ${reply.error.message}`);
    for (const a of reply.actionSet?.actions ?? []) agent.actions.set(a.id ?? '', a);
    return agent;
  }

  /** Resolves once the agent holds an action matching `match`. */
  async waitForAction(match: (a: sonde.v1.IAction) => boolean): Promise<sonde.v1.IAction> {
    let found: sonde.v1.IAction | undefined;
    await this.waitUntil(() => (found = [...this.actions.values()].find(match)) !== undefined);
    return found!;
  }

  /** Resolves once `condition` holds, checked after every frame the agent receives. */
  async waitUntil(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  sendEvents(events: sonde.v1.IEvent[]): void {
    this.ws.send(encodeEnvelope({ events: { events } }));
  }

  close(): void {
    this.ws.close();
  }

  private request(init: EnvelopeInit): Promise<Envelope> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.replies.set(id, resolve);
      this.ws.send(encodeEnvelope({ ...init, id }));
    });
  }

  private receive(frame: Uint8Array): void {
    const r = decodeEnvelope(frame);
    if (!r.ok) throw new Error(`the gateway sent the scripted agent an undecodable frame: ${r.message}`);
    const e = r.envelope;
    if (e.replyTo) {
      this.replies.get(e.replyTo)?.(e);
      this.replies.delete(e.replyTo);
    } else if (e.fileQuery) {
      const want = e.fileQuery.path ?? '';
      const loaded = this.files.find((f) => f === want || f.endsWith(`/${want}`));
      this.ws.send(encodeEnvelope({ replyTo: e.id, fileQueryResult: { loadedPath: loaded ?? '' } }));
    } else if (e.actionUpsert?.action) {
      this.actions.set(e.actionUpsert.action.id ?? '', e.actionUpsert.action);
    } else if (e.actionRemoved) {
      this.actions.delete(e.actionRemoved.actionId ?? '');
    }
    for (const wake of this.waiters.splice(0)) wake();
  }
}
