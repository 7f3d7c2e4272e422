// Test peers that speak raw Envelopes to a gateway over WebSocket: a client
// that can send anything (garbage included) and wait for the frames it
// expects, and a scripted agent that answers file queries from a fixed list.
// For tests of the gateway and of its clients; never used in production code.
import WebSocket from 'ws';
import { sonde, type Envelope, type EnvelopeInit } from '@sonde/protocol';
import { EnvelopeChannel } from './channel.js';
import { mergeParts } from './frames.js';
import { endpointUrl, type EndpointPath } from './endpoint-url.js';

export class ProtocolPeer {
  private nextId = 100;
  /** Frames received and not yet taken by `next`/`request`. */
  readonly received: Envelope[] = [];
  /** Frames from the gateway that the test peer could not read (none, if the gateway is right). */
  readonly problems: string[] = [];
  private waiters: { match: (e: Envelope) => boolean; resolve: (e: Envelope) => void }[] = [];
  private listeners = new Set<(e: Envelope) => void>();
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly channel: EnvelopeChannel;

  private constructor(readonly ws: WebSocket) {
    // Every frame goes to `received` (no handlers): the test decides what to answer.
    this.channel = new EnvelopeChannel(ws, {
      endpoint: 'the test peer',
      peer: 'the gateway',
      observe: (e) => {
        for (const l of this.listeners) l(e);
      },
      fallback: (e) => this.take(e),
      onProblem: (p) => this.problems.push(p.message),
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async connect(url: string, path: EndpointPath, headers: Record<string, string> = {}): Promise<ProtocolPeer> {
    const ws = new WebSocket(endpointUrl(url, path), { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new ProtocolPeer(ws);
  }

  /** Called for every frame, before `next` and `request` take it. */
  onFrame(listener: (e: Envelope) => void): void {
    this.listeners.add(listener);
  }

  send(init: EnvelopeInit): void {
    if (!this.channel.send(init)) throw new Error('the test peer could not send: the socket is closed or the frame is over the limit');
  }

  async request(init: EnvelopeInit, timeoutMs = 5000): Promise<Envelope> {
    const id = this.nextId++;
    const reply = this.next((e) => e.replyTo === id, `the reply to request ${id}`, timeoutMs);
    this.send({ ...init, id });
    return reply;
  }

  /** A request whose reply may come in parts (Envelope.more): resolves with the parts merged, as a channel's request does. */
  async requestWhole(init: EnvelopeInit, timeoutMs = 5000): Promise<Envelope> {
    const first = await this.request(init, timeoutMs);
    if (!first.more) return first;
    const parts = [first];
    while (parts.at(-1)!.more) parts.push(await this.next((e) => e.replyTo === first.replyTo, `part ${parts.length + 1} of the reply to request ${first.replyTo}`, timeoutMs));
    const merged = mergeParts(parts.map((p) => sonde.v1.Envelope.encode(p).finish()));
    if (!merged.ok) throw new Error(`the parts of the reply to request ${first.replyTo} do not merge: ${merged.message}`);
    return merged.envelope;
  }

  /** Takes the first frame, already received or still to come, that matches. */
  next(match: (e: Envelope) => boolean, what = 'a matching frame', timeoutMs = 5000): Promise<Envelope> {
    const seen = this.received.find(match);
    if (seen) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (e: Envelope) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out waiting for ${what}; received: ${JSON.stringify(this.received.map((e) => e.toJSON()))}${this.problems.length ? `; unreadable frames: ${this.problems.join('; ')}` : ''}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.ws.close();
  }

  private take(e: Envelope): void {
    const waiter = this.waiters.find((w) => w.match(e));
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(e);
    } else {
      this.received.push(e);
    }
  }
}

export interface ScriptedHello {
  agentId: string;
  appName?: string;
  tags?: string[];
  instanceId?: string;
  runtime?: sonde.v1.Runtime;
}

/**
 * Stands in for an in-process agent: says hello with a list of loaded files,
 * answers file queries from it, and mirrors the actions it is sent.
 */
export class ScriptedAgent {
  readonly actions = new Map<string, sonde.v1.IAction>();
  private wakers: (() => void)[] = [];

  private constructor(
    readonly peer: ProtocolPeer,
    readonly files: string[],
    /** The gateway's reply to hello. */
    readonly actionSet: Envelope,
  ) {}

  static async connect(gatewayUrl: string, hello: ScriptedHello, files: string[]): Promise<ScriptedAgent> {
    const peer = await ProtocolPeer.connect(gatewayUrl, '/v1/agent');
    const answerQueries = (e: Envelope) => {
      if (!e.fileQuery) return;
      const want = e.fileQuery.path ?? '';
      const loaded = files.find((f) => f === want || f.endsWith(`/${want}`));
      peer.send({ replyTo: e.id, fileQueryResult: { loadedPath: loaded ?? '' } });
    };
    peer.onFrame(answerQueries);
    const actionSet = await peer.requestWhole({
      hello: { runtime: sonde.v1.Runtime.RUNTIME_NODE, pid: process.pid, host: 'test', roots: ['/srv/app'], files: files.map((path) => ({ path })), ...hello },
    });
    if (actionSet.error) throw new Error(`gateway refused the scripted agent's hello: ${actionSet.error.message}`);
    const agent = new ScriptedAgent(peer, files, actionSet);
    for (const a of actionSet.actionSet?.actions ?? []) agent.actions.set(a.id ?? '', a);
    peer.onFrame((e) => {
      if (e.actionUpsert?.action) agent.actions.set(e.actionUpsert.action.id ?? '', e.actionUpsert.action);
      if (e.actionRemoved) agent.actions.delete(e.actionRemoved.actionId ?? '');
      for (const wake of agent.wakers.splice(0)) wake();
    });
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
    while (!condition()) await new Promise<void>((resolve) => this.wakers.push(resolve));
  }

  sendEvents(events: sonde.v1.IEvent[]): void {
    this.peer.send({ events: { events } });
  }

  close(): void {
    this.peer.close();
  }
}
