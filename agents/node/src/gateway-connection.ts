// The agent's link to the gateway's /v1/agent endpoint: says hello on every
// connect, answers the gateway's requests, and reconnects with backoff. It
// never keeps the host process alive and never throws into it.
import WebSocket from 'ws';
import { decodeEnvelope, encodeEnvelope, MAX_FRAME_BYTES, sonde, type Envelope, type EnvelopeInit } from '@sonde/protocol';

export interface ConnectionHandlers {
  /** Built afresh on each connect, so it lists what is loaded now. */
  hello(): sonde.v1.IHello;
  onActionSet(actions: sonde.v1.IAction[]): void;
  onUpsert(action: sonde.v1.IAction): void;
  onRemoved(actionId: string): void;
  onFileQuery(path: string): sonde.v1.IFileQueryResult;
}

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 15_000;
const HELLO_ID = 1;

export class GatewayConnection {
  private ws: WebSocket | undefined;
  private ready = false;
  private stopped = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  private failuresLogged = 0;

  constructor(
    private readonly url: string,
    private readonly agentKey: string,
    private readonly handlers: ConnectionHandlers,
    private readonly log: (msg: string) => void,
  ) {}

  /** True once the gateway has answered hello. */
  get isReady(): boolean {
    return this.ready;
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.ws?.close(1000, 'agent stopping');
  }

  /** Sends if connected; returns false when the frame could not be sent now. */
  send(init: EnvelopeInit): boolean {
    if (!this.ready || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    const frame = encodeEnvelope(init);
    if (frame.length > MAX_FRAME_BYTES) {
      this.log(`dropped a frame of ${frame.length} bytes, over the gateway's limit`);
      return true;
    }
    this.ws.send(frame);
    return true;
  }

  private connect(): void {
    if (this.stopped) return;
    const headers: Record<string, string> = this.agentKey ? { authorization: `Bearer ${this.agentKey}` } : {};
    let ws: WebSocket;
    try {
      ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/v1/agent`, { headers, maxPayload: MAX_FRAME_BYTES, handshakeTimeout: 10_000 });
    } catch (err) {
      this.log(`cannot connect to ${this.url}: ${(err as Error).message}; check SONDE_GATEWAY_URL`);
      return;
    }
    this.ws = ws;
    // The agent must never be what keeps the host process running.
    ws.on('upgrade', (res) => res.socket.unref());
    ws.on('open', () => {
      try {
        ws.send(encodeEnvelope({ id: HELLO_ID, hello: this.handlers.hello() }));
      } catch (err) {
        this.log(`could not say hello: ${(err as Error).message}`);
      }
    });
    ws.on('message', (data) => this.onFrame(data as Buffer));
    ws.on('error', (err) => {
      if (this.failuresLogged++ < 3) this.log(`gateway ${this.url} unreachable (${err.message}); retrying with backoff`);
    });
    ws.on('close', () => {
      const wasReady = this.ready;
      this.ready = false;
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (wasReady) this.log(`lost the gateway ${this.url}; reconnecting`);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt++);
    this.retry = setTimeout(() => this.connect(), base / 2 + Math.random() * (base / 2));
    this.retry.unref();
  }

  private onFrame(data: Buffer): void {
    const decoded = decodeEnvelope(new Uint8Array(data));
    if (!decoded.ok) {
      this.log(`ignored a frame from the gateway: ${decoded.message}`);
      return;
    }
    try {
      this.dispatch(decoded.envelope);
    } catch (err) {
      this.log(`failed to handle ${decoded.body}: ${(err as Error).stack ?? err}`);
    }
  }

  private dispatch(e: Envelope): void {
    if (e.replyTo === HELLO_ID && e.actionSet) {
      this.ready = true;
      this.attempt = 0;
      this.failuresLogged = 0;
      this.log(`connected to ${this.url}`);
      this.handlers.onActionSet(e.actionSet.actions ?? []);
    } else if (e.error) {
      this.log(`gateway error ${sonde.v1.ErrorCode[e.error.code ?? 0]}: ${e.error.message}`);
    } else if (e.actionUpsert?.action) {
      this.handlers.onUpsert(e.actionUpsert.action);
    } else if (e.actionRemoved) {
      this.handlers.onRemoved(e.actionRemoved.actionId ?? '');
    } else if (e.fileQuery) {
      const result = this.handlers.onFileQuery(e.fileQuery.path ?? '');
      this.ws?.send(encodeEnvelope({ replyTo: e.id, fileQueryResult: result }));
    }
  }
}
