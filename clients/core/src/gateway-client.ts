// A small client of the gateway's /v1/client endpoint, shared by the language
// server, the command line and every later client: typed requests, pushes
// turned into typed events, and a connection that comes back by itself
// (exponential backoff) until close() is called. The wire work (frames,
// request ids, replies, timeouts, dialing, backoff, the credential) is
// @sonde/rpc's; this module only says it in the gateway's terms.
import type WebSocket from 'ws';
import type { Envelope, EnvelopeInit, sonde } from '@sonde/protocol';
import { EnvelopeChannel, endpointUrl, Reconnector, RequestError, UnavailableError, type Outage } from '@sonde/rpc';
import { GatewayRequestError, GatewayUnavailableError } from './gateway-errors.js';
import { Listeners } from './listeners.js';

export type ActionInfo = sonde.v1.IActionInfo;
export type Action = sonde.v1.IAction;
export type GatewayEvent = sonde.v1.IEvent;
export type AgentInfo = sonde.v1.IAgentInfo;

export interface GatewayClientOptions {
  /** The gateway's base URL (`http://host:port`, `https://…`, `ws://…` or `wss://…`); `/v1/client` is appended. */
  url: string;
  /** Bearer token sent in the upgrade's `Authorization` header; a function is asked again at each (re)connection. */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** How long a request waits for its reply. Default 10 s. */
  requestTimeoutMs?: number;
  /** First reconnection delay; doubles at each failure. Default 250 ms. */
  initialRetryDelayMs?: number;
  /** Cap on the reconnection delay. Default 5 s. */
  maxRetryDelayMs?: number;
  /** Subscribe on every connection (events, action changes) and emit `subscribed` with the gateway's actions. Default false; `subscribe()` turns it on. */
  subscribe?: boolean;
  /** Where the client reports what it cannot throw (a listener that threw, a frame it could not read). Default: stderr. */
  log?: (message: string) => void;
}

/** What a GatewayClient emits. */
export interface GatewayClientEvents {
  /** The WebSocket is open (first time or again). */
  connected: { url: string };
  /** A connection attempt failed or the open connection closed; another attempt follows in `retryInMs` unless closed. */
  disconnected: { url: string; reason: string; wasConnected: boolean; attempt: number; retryInMs: number };
  /** A subscribe succeeded (after each reconnection too): every action the gateway holds, to rebuild any local view from. */
  subscribed: readonly ActionInfo[];
  /** One pushed batch: log lines, snapshots, metrics, per-agent states, hit counts (a HitCount with an empty agentId is the gateway's total). */
  events: readonly GatewayEvent[];
  /** An action was added or its state changed. */
  actionInfo: ActionInfo;
  /** An action is gone. */
  actionRemoved: { actionId: string };
  /** The gateway sent something this client cannot use (undecodable frame, reply nobody waits for). */
  protocolError: { message: string };
}

export type GatewayClientEvent = keyof GatewayClientEvents;

type ReplyBody = 'actionList' | 'actionInfo' | 'ack' | 'agentList' | 'policy' | 'agentKeyCreated' | 'agentKeyList' | 'agentKey' | 'auditList';
type Reply<K extends ReplyBody> = NonNullable<Envelope[K]>;

/** `http://h:p/` → `ws://h:p/v1/client`. */
export function clientEndpoint(baseUrl: string): string {
  return endpointUrl(baseUrl, '/v1/client');
}

/** How long a request waits for the first connection while it is being dialled. */
const FIRST_CONNECT_WAIT_MS = 3000;

export class GatewayClient {
  /** The WebSocket URL this client connects to. */
  readonly endpoint: string;
  /** Whether a connection attempt has finished, either way. */
  private attempted = false;
  private readonly requestTimeoutMs: number;
  private readonly log: (message: string) => void;
  private readonly reconnector: Reconnector;
  private readonly listeners: Listeners<GatewayClientEvents>;
  private wantSubscription: boolean;
  private channel: EnvelopeChannel | undefined;
  private closed = false;

  constructor(options: GatewayClientOptions) {
    this.endpoint = clientEndpoint(options.url);
    this.wantSubscription = options.subscribe ?? false;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.log = options.log ?? ((message) => process.stderr.write(`sonde gateway client: ${message}\n`));
    this.listeners = new Listeners(this.log);
    this.reconnector = new Reconnector(
      {
        url: this.endpoint,
        credential: options.token,
        handshakeTimeoutMs: this.requestTimeoutMs,
        initialDelayMs: options.initialRetryDelayMs,
        maxDelayMs: options.maxRetryDelayMs,
      },
      { open: (socket) => this.opened(socket), down: (outage) => this.down(outage) },
    );
  }

  /** True while the WebSocket is open. */
  get connected(): boolean {
    return this.channel?.isOpen ?? false;
  }

  /** Why the last attempt failed or the last connection closed. */
  get lastError(): string {
    return this.reconnector.lastError;
  }

  /**
   * Hands the gateway a fresh access token for the open connection, which
   * goes on under it (nothing is lost to a reconnection); rejects with
   * GatewayRequestError when the gateway refuses it (then reconnectNow()).
   */
  async renewToken(accessToken: string): Promise<void> {
    await this.request({ reauthenticate: { accessToken } }, 'ack', 'reauthenticate');
  }

  /** Connects again now, asking the token function afresh (after a sign-in or sign-out). */
  reconnectNow(): void {
    this.reconnector.reconnectNow();
  }

  /** Starts connecting, and reconnecting after each loss, until close(). Idempotent. */
  connect(): void {
    if (this.closed) throw new Error('this GatewayClient was closed; create a new one');
    this.reconnector.start();
  }

  /** Resolves once connected (connecting if needed); rejects with GatewayUnavailableError after `timeoutMs`. */
  waitConnected(timeoutMs = this.requestTimeoutMs): Promise<void> {
    this.connect();
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.listeners.on('connected', () => {
        clearTimeout(timer);
        off();
        resolve();
      });
      const timer = setTimeout(() => {
        off();
        reject(new GatewayUnavailableError(`could not connect to the Sonde gateway at ${this.endpoint} within ${timeoutMs} ms (${this.lastError}); check the URL and that the gateway runs`));
      }, timeoutMs);
    });
  }

  /** Subscribes now and after every reconnection; resolves with the actions the gateway holds (also emitted as `subscribed`). */
  async subscribe(): Promise<ActionInfo[]> {
    this.wantSubscription = true;
    const list = await this.request({ subscribe: {} }, 'actionList', 'subscribe');
    const actions = list.actions ?? [];
    this.listeners.emit('subscribed', actions);
    return actions;
  }

  /** Adds an action; resolves with what the gateway stored (with the id it assigned). */
  async addAction(action: Action): Promise<ActionInfo> {
    return this.request({ addAction: { action } }, 'actionInfo', 'add_action');
  }

  async removeAction(actionId: string): Promise<void> {
    await this.request({ removeAction: { actionId } }, 'ack', 'remove_action');
  }

  async listActions(): Promise<ActionInfo[]> {
    const list = await this.request({ listActions: {} }, 'actionList', 'list_actions');
    return list.actions ?? [];
  }

  /** The operator's policy: redaction, blocklists and per-kind quotas every agent applies. */
  async getPolicy(): Promise<sonde.v1.IPolicy> {
    return this.request({ getPolicy: {} }, 'policy', 'get_policy');
  }

  /** Replaces the policy; agents apply it live. The gateway says what is wrong with one it refuses. */
  async setPolicy(policy: sonde.v1.IPolicy): Promise<sonde.v1.IPolicy> {
    return this.request({ setPolicy: { policy } }, 'policy', 'set_policy');
  }

  async listAgents(): Promise<AgentInfo[]> {
    const list = await this.request({ listAgents: {} }, 'agentList', 'list_agents');
    return list.agents ?? [];
  }

  /** A new agent key (admin only); its secret is in this reply alone. */
  async createAgentKey(tags: string[], description = ''): Promise<{ key: sonde.v1.IAgentKey; secret: string }> {
    const created = await this.request({ createAgentKey: { tags, description } }, 'agentKeyCreated', 'create_agent_key');
    return { key: created.key ?? {}, secret: created.secret ?? '' };
  }

  async listAgentKeys(): Promise<sonde.v1.IAgentKey[]> {
    return (await this.request({ listAgentKeys: {} }, 'agentKeyList', 'list_agent_keys')).keys ?? [];
  }

  /** Audit entries after `afterSeq`, oldest first, one page (admin only). */
  async listAudit(afterSeq = 0, limit = 0): Promise<sonde.v1.IAuditRecord[]> {
    return (await this.request({ listAudit: { afterSeq, limit } }, 'auditList', 'list_audit')).entries ?? [];
  }

  /** Revokes the key; its connected agents are disconnected at once. */
  async revokeAgentKey(id: string): Promise<sonde.v1.IAgentKey> {
    return this.request({ revokeAgentKey: { id } }, 'agentKey', 'revoke_agent_key');
  }

  /** Listens to one kind of event; returns a function that stops listening. */
  on<K extends GatewayClientEvent>(event: K, listener: (value: GatewayClientEvents[K]) => void): () => void {
    return this.listeners.on(event, listener);
  }

  /** Stops reconnecting, fails what is pending, and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reconnector.stop('client closing');
    this.channel = undefined;
  }

  private async request<K extends ReplyBody>(init: EnvelopeInit, expect: K, what: string): Promise<Reply<K>> {
    // A request made while the first connection is still being dialled (an editor's command right after start) waits for it.
    if (!this.channel?.isOpen && !this.closed && !this.attempted) await this.waitConnected(FIRST_CONNECT_WAIT_MS).catch(() => undefined);
    const channel = this.channel;
    if (!channel?.isOpen) {
      const why = this.closed ? 'the client was closed' : this.lastError;
      throw new GatewayUnavailableError(`the Sonde gateway at ${this.endpoint} is not reachable (${why}); it is retried every few seconds, check the URL and that the gateway runs`);
    }
    try {
      const reply = await channel.request(init, { expect, what, timeoutMs: this.requestTimeoutMs });
      return reply[expect] as Reply<K>;
    } catch (err) {
      if (err instanceof RequestError) throw new GatewayRequestError(err.code, err.message);
      if (err instanceof UnavailableError) {
        if (this.closed) throw new GatewayUnavailableError(`${what}: the gateway client was closed`);
        throw new GatewayUnavailableError(err.message);
      }
      throw err;
    }
  }

  private opened(socket: WebSocket): void {
    this.attempted = true;
    this.channel = new EnvelopeChannel(socket, {
      endpoint: '/v1/client',
      peer: `the Sonde gateway at ${this.endpoint}`,
      self: 'the gateway client',
      requestTimeoutMs: this.requestTimeoutMs,
      handlers: {
        events: (e) => this.listeners.emit('events', e.events?.events ?? []),
        actionInfo: (e) => {
          if (e.actionInfo) this.listeners.emit('actionInfo', e.actionInfo);
        },
        actionRemoved: (e) => this.listeners.emit('actionRemoved', { actionId: e.actionRemoved?.actionId ?? '' }),
      },
      onProblem: ({ message }) => this.listeners.emit('protocolError', { message }),
      onHandlerFailure: (body, err) => this.log(`handling ${body} failed: ${err instanceof Error ? err.message : String(err)}`),
    });
    this.listeners.emit('connected', { url: this.endpoint });
    if (this.wantSubscription) {
      this.subscribe().catch((err: Error) => this.log(`subscribe after connecting failed: ${err.message}`));
    }
  }

  private down(outage: Outage): void {
    this.attempted = true;
    this.channel = undefined;
    this.listeners.emit('disconnected', { url: this.endpoint, reason: outage.reason, wasConnected: outage.wasOpen, attempt: outage.attempt, retryInMs: outage.retryInMs });
  }
}
