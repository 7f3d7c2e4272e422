// A small client of the gateway's /v1/client endpoint, shared by the language
// server and the command line: one WebSocket, one Envelope per binary frame,
// requests matched to replies by envelope id, pushes turned into typed events,
// and a connection that comes back by itself (exponential backoff) until
// close() is called.
import WebSocket from 'ws';
import { sonde, encodeEnvelope, decodeEnvelope, enumLabel, errorEnvelope, MAX_FRAME_BYTES, CloseCode } from '@sonde/protocol';
import type { EnvelopeInit, Envelope } from '@sonde/protocol';

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

/** The gateway answered a request with an Error. */
export class GatewayRequestError extends Error {
  override readonly name = 'GatewayRequestError';
  /** sonde.v1.ErrorCode */
  readonly code: sonde.v1.ErrorCode;
  /** The code's label, e.g. `not_found`. */
  readonly codeLabel: string;
  /** The gateway's own message, without this client's prefix. */
  readonly gatewayMessage: string;
  constructor(code: sonde.v1.ErrorCode, gatewayMessage: string) {
    const label = enumLabel(sonde.v1.ErrorCode, code);
    super(`gateway refused the request (${label.toUpperCase()}): ${gatewayMessage}`);
    this.code = code;
    this.codeLabel = label;
    this.gatewayMessage = gatewayMessage;
  }
}

/** No answer could be had: not connected, connection lost, or no reply in time. */
export class GatewayUnavailableError extends Error {
  override readonly name = 'GatewayUnavailableError';
}

type ReplyBody = 'actionList' | 'actionInfo' | 'ack' | 'agentList';
type Reply<K extends ReplyBody> = NonNullable<Envelope[K]>;

interface Pending {
  expect: ReplyBody;
  what: string;
  resolve: (envelope: Envelope) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

type Listener<T> = (value: T) => void;
type ListenerSets = { [K in GatewayClientEvent]: Set<Listener<GatewayClientEvents[K]>> };

/** `http://h:p/` → `ws://h:p/v1/client`. */
export function clientEndpoint(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`gateway URL "${baseUrl}" is not a URL; give the gateway's base URL, e.g. http://127.0.0.1:8790`);
  }
  const schemes: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
  const scheme = schemes[url.protocol];
  if (!scheme) throw new Error(`gateway URL "${baseUrl}" has scheme ${url.protocol}; use http, https, ws or wss`);
  url.protocol = scheme;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/client`;
  return url.toString();
}

export class GatewayClient {
  /** The WebSocket URL this client connects to. */
  readonly endpoint: string;
  private readonly opts: Required<Omit<GatewayClientOptions, 'token' | 'subscribe'>> & Pick<GatewayClientOptions, 'token'>;
  private wantSubscription: boolean;
  private socket: WebSocket | undefined;
  private open = false;
  private closed = false;
  private started = false;
  private attempt = 0;
  private lastReason = 'no connection attempted yet';
  private retryTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ListenerSets = {
    connected: new Set(),
    disconnected: new Set(),
    subscribed: new Set(),
    events: new Set(),
    actionInfo: new Set(),
    actionRemoved: new Set(),
    protocolError: new Set(),
  };
  private waiters = new Set<() => void>();

  constructor(options: GatewayClientOptions) {
    this.endpoint = clientEndpoint(options.url);
    this.wantSubscription = options.subscribe ?? false;
    this.opts = {
      url: options.url,
      token: options.token,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      initialRetryDelayMs: options.initialRetryDelayMs ?? 250,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 5_000,
      log: options.log ?? ((message) => process.stderr.write(`sonde gateway client: ${message}\n`)),
    };
  }

  /** True while the WebSocket is open. */
  get connected(): boolean {
    return this.open;
  }

  /** Why the last attempt failed or the last connection closed. */
  get lastError(): string {
    return this.lastReason;
  }

  /** Starts connecting, and reconnecting after each loss, until close(). Idempotent. */
  connect(): void {
    if (this.closed) throw new Error('this GatewayClient was closed; create a new one');
    if (this.started) return;
    this.started = true;
    void this.dial();
  }

  /** Resolves once connected (connecting if needed); rejects with GatewayUnavailableError after `timeoutMs`. */
  waitConnected(timeoutMs = this.opts.requestTimeoutMs): Promise<void> {
    this.connect();
    if (this.open) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new GatewayUnavailableError(`could not connect to the Sonde gateway at ${this.endpoint} within ${timeoutMs} ms (${this.lastReason}); check the URL and that the gateway runs`));
      }, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Subscribes now and after every reconnection; resolves with the actions the gateway holds (also emitted as `subscribed`). */
  async subscribe(): Promise<ActionInfo[]> {
    this.wantSubscription = true;
    const list = await this.request({ subscribe: {} }, 'actionList', 'subscribe');
    const actions = list.actions ?? [];
    this.emit('subscribed', actions);
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

  async listAgents(): Promise<AgentInfo[]> {
    const list = await this.request({ listAgents: {} }, 'agentList', 'list_agents');
    return list.agents ?? [];
  }

  /** Listens to one kind of event; returns a function that stops listening. */
  on<K extends GatewayClientEvent>(event: K, listener: Listener<GatewayClientEvents[K]>): () => void {
    const set = this.listeners[event] as Set<Listener<GatewayClientEvents[K]>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Stops reconnecting, fails what is pending, and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.failPending('the gateway client was closed');
    const socket = this.socket;
    this.socket = undefined;
    this.open = false;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(CloseCode.normal, 'client closing');
      // A peer that never answers the close handshake must not hold us.
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1000).unref();
    });
  }

  private request<K extends ReplyBody>(init: EnvelopeInit, expect: K, what: string): Promise<Reply<K>> {
    const socket = this.socket;
    if (!this.open || !socket) {
      const why = this.closed ? 'the client was closed' : this.lastReason;
      return Promise.reject(new GatewayUnavailableError(`the Sonde gateway at ${this.endpoint} is not reachable (${why}); it is retried every few seconds, check the URL and that the gateway runs`));
    }
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const frame = encodeEnvelope({ ...init, id });
    if (frame.length > MAX_FRAME_BYTES) {
      return Promise.reject(new Error(`${what} request is ${frame.length} bytes, over the gateway's ${MAX_FRAME_BYTES}-byte frame limit; shorten it`));
    }
    return new Promise<Reply<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new GatewayUnavailableError(`the Sonde gateway at ${this.endpoint} did not answer ${what} within ${this.opts.requestTimeoutMs} ms; try again`));
      }, this.opts.requestTimeoutMs);
      this.pending.set(id, {
        expect,
        what,
        timer,
        reject,
        resolve: (envelope) => resolve(envelope[expect] as Reply<K>),
      });
      socket.send(frame, { binary: true }, (err) => {
        if (!err) return;
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        clearTimeout(p.timer);
        reject(new GatewayUnavailableError(`could not send ${what} to the Sonde gateway (${err.message}); try again once it is reachable`));
      });
    });
  }

  private async dial(): Promise<void> {
    if (this.closed) return;
    let token: string | undefined;
    try {
      token = typeof this.opts.token === 'function' ? await this.opts.token() : this.opts.token;
    } catch (err) {
      this.lost(`could not get a token (${(err as Error).message})`, false);
      return;
    }
    if (this.closed) return;
    const headers: Record<string, string> = {};
    if (token) headers['Authorization'] = `Bearer ${token}`;
    const socket = new WebSocket(this.endpoint, { headers, maxPayload: MAX_FRAME_BYTES, handshakeTimeout: this.opts.requestTimeoutMs });
    this.socket = socket;
    let failure: string | undefined;
    socket.binaryType = 'nodebuffer';
    socket.on('error', (err) => {
      failure = err.message;
    });
    socket.on('unexpected-response', (_req, res) => {
      failure = `the gateway answered the upgrade with HTTP ${res.statusCode}${res.statusCode === 401 || res.statusCode === 403 ? '; check the token' : ''}`;
      socket.terminate();
    });
    socket.on('open', () => {
      if (this.socket !== socket) return;
      this.open = true;
      this.attempt = 0;
      this.lastReason = 'connected';
      this.emit('connected', { url: this.endpoint });
      for (const waiter of [...this.waiters]) waiter();
      if (this.wantSubscription) {
        this.subscribe().catch((err: Error) => this.opts.log(`subscribe after connecting failed: ${err.message}`));
      }
    });
    socket.on('message', (data, isBinary) => {
      if (this.socket !== socket) return;
      this.receive(data, isBinary);
    });
    socket.on('close', (code, reasonBuffer) => {
      if (this.socket !== socket) return;
      const wasConnected = this.open;
      this.open = false;
      this.socket = undefined;
      const reason = failure ?? (reasonBuffer.length > 0 ? `closed with ${code}: ${reasonBuffer.toString()}` : `closed with ${code}`);
      this.failPending(`the connection to the gateway closed before it answered (${reason}); try again`);
      this.lost(reason, wasConnected);
    });
  }

  private lost(reason: string, wasConnected: boolean): void {
    this.lastReason = reason;
    if (this.closed) return;
    this.attempt += 1;
    const base = Math.min(this.opts.maxRetryDelayMs, this.opts.initialRetryDelayMs * 2 ** (this.attempt - 1));
    // Jitter spreads the reconnections of many clients after a gateway restart.
    const retryInMs = Math.round(base * (0.8 + Math.random() * 0.4));
    this.emit('disconnected', { url: this.endpoint, reason, wasConnected, attempt: this.attempt, retryInMs });
    this.retryTimer = setTimeout(() => void this.dial(), retryInMs);
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    if (!isBinary) {
      this.emit('protocolError', { message: 'the gateway sent a text frame; Sonde speaks one binary Envelope per frame' });
      return;
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const decoded = decodeEnvelope(bytes);
    if (!decoded.ok) {
      this.emit('protocolError', { message: decoded.message });
      if (decoded.id !== 0) this.sendQuietly(errorEnvelope(decoded.id, decoded.code, decoded.message));
      return;
    }
    const { envelope, body } = decoded;
    if (envelope.replyTo !== 0) {
      this.settle(envelope, body);
      return;
    }
    switch (body) {
      case 'events':
        this.emit('events', envelope.events?.events ?? []);
        return;
      case 'actionInfo':
        if (envelope.actionInfo) this.emit('actionInfo', envelope.actionInfo);
        return;
      case 'actionRemoved':
        this.emit('actionRemoved', { actionId: envelope.actionRemoved?.actionId ?? '' });
        return;
      default:
        this.emit('protocolError', { message: `the gateway pushed ${body}, which a client does not expect` });
        if (envelope.id !== 0) {
          this.sendQuietly(errorEnvelope(envelope.id, sonde.v1.ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE, `a client does not accept ${body}`));
        }
    }
  }

  private settle(envelope: Envelope, body: string): void {
    const p = this.pending.get(envelope.replyTo);
    if (!p) {
      this.emit('protocolError', { message: `the gateway replied to request ${envelope.replyTo}, which is not pending (it may have timed out)` });
      return;
    }
    this.pending.delete(envelope.replyTo);
    clearTimeout(p.timer);
    if (body === 'error') {
      const error = envelope.error ?? {};
      p.reject(new GatewayRequestError(error.code ?? sonde.v1.ErrorCode.ERROR_CODE_UNSPECIFIED, error.message ?? ''));
    } else if (body !== p.expect) {
      p.reject(new Error(`the gateway answered ${p.what} with ${body} instead of ${p.expect}; it may speak another protocol version`));
    } else {
      p.resolve(envelope);
    }
  }

  private failPending(message: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new GatewayUnavailableError(`${p.what}: ${message}`));
    }
  }

  private sendQuietly(init: EnvelopeInit): void {
    if (this.open && this.socket) this.socket.send(encodeEnvelope(init), { binary: true }, () => {});
  }

  private emit<K extends GatewayClientEvent>(event: K, value: GatewayClientEvents[K]): void {
    for (const listener of [...(this.listeners[event] as Set<Listener<GatewayClientEvents[K]>>)]) {
      try {
        listener(value);
      } catch (err) {
        // A listener's bug must not break the connection or the other listeners.
        this.opts.log(`a "${event}" listener threw: ${(err as Error).stack ?? String(err)}`);
      }
    }
  }
}
