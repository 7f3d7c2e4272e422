// Keeps one WebSocket to an endpoint open: dials with the bearer credential
// in the upgrade's Authorization header, and after every failed attempt or
// lost connection dials again after a backoff, until stop(). Inside an app
// (agents) it can be told never to keep the process alive.
import WebSocket from 'ws';
import { CloseCode, MAX_FRAME_BYTES } from '@sonde/protocol';
import { Backoff, type BackoffOptions } from './backoff.js';

export type Credential = string | (() => string | undefined | Promise<string | undefined>);

export interface ReconnectorOptions extends BackoffOptions {
  /** The WebSocket URL (see endpointUrl). */
  url: string;
  /** Sent as `Authorization: Bearer <credential>`; a function is asked again at each (re)connection. */
  credential?: Credential;
  /** Default 10 s. */
  handshakeTimeoutMs?: number;
  /** Never keep the process alive: the socket and the retry timer are unref'd. */
  unref?: boolean;
}

export interface Outage {
  reason: string;
  /** The connection had been open (it was lost), rather than an attempt that failed. */
  wasOpen: boolean;
  /** Failures in a row. */
  attempt: number;
  retryInMs: number;
}

export interface ReconnectorEvents {
  /** A connection is open: build the channel on it. */
  open(socket: WebSocket): void;
  /** An attempt failed or the connection closed; the next attempt follows in retryInMs unless stopped. */
  down(outage: Outage): void;
}

export class Reconnector {
  private current: WebSocket | undefined;
  private opened = false;
  private started = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private reason = 'no connection attempted yet';

  constructor(
    private readonly options: ReconnectorOptions,
    private readonly events: ReconnectorEvents,
  ) {
    this.backoff = new Backoff(options);
  }

  /** The open socket, if any. */
  get socket(): WebSocket | undefined {
    return this.opened ? this.current : undefined;
  }

  /** Why the last attempt failed or the last connection closed. */
  get lastError(): string {
    return this.reason;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Starts dialing; idempotent. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.dial();
  }

  /** Dials again at once with a fresh credential (a sign-in changed it): an open socket is closed first, a pending retry runs now. */
  reconnectNow(reason = 'the credential changed'): void {
    if (!this.started || this.stopped) return;
    this.backoff.reset();
    if (this.current !== undefined) {
      if (this.current.readyState === WebSocket.CONNECTING) this.current.terminate();
      else this.current.close(CloseCode.normal, reason);
      return; // its close schedules the next dial, after the reset backoff's first delay
    }
    clearTimeout(this.retryTimer);
    void this.dial();
  }

  /** Stops reconnecting and closes the socket; resolves once it closed (at most `waitMs` later). */
  async stop(reason = 'closing', waitMs = 1000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const socket = this.current;
    this.current = undefined;
    this.opened = false;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(CloseCode.normal, reason);
      // A peer that never answers the close handshake must not hold us.
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, waitMs);
      timer.unref();
    });
  }

  private async dial(): Promise<void> {
    if (this.stopped) return;
    let token: string | undefined;
    try {
      const c = this.options.credential;
      token = typeof c === 'function' ? await c() : c;
    } catch (err) {
      this.lost(`could not get a credential (${err instanceof Error ? err.message : String(err)})`, false);
      return;
    }
    if (this.stopped) return;
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.url, { headers, maxPayload: MAX_FRAME_BYTES, handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000 });
    } catch (err) {
      this.lost(`cannot connect to ${this.options.url}: ${err instanceof Error ? err.message : String(err)}`, false);
      return;
    }
    this.current = socket;
    let failure: string | undefined;
    if (this.options.unref) socket.on('upgrade', (res) => res.socket.unref());
    socket.on('error', (err) => {
      // terminate() after a refused upgrade reports an error too; the refusal is the reason.
      failure ??= err.message;
    });
    socket.on('unexpected-response', (_req, res) => {
      const auth = res.statusCode === 401 || res.statusCode === 403 ? '; check the credential' : '';
      failure = `the server answered the upgrade with HTTP ${res.statusCode}${auth}`;
      // The server's own sentence (what to do) is the better reason: read a little of the body, then give up the socket.
      let body = '';
      let read = false;
      const done = () => {
        if (read) return;
        read = true;
        const said = body.trim().slice(0, 500);
        if (said) failure = `the server answered the upgrade with HTTP ${res.statusCode}${auth}: ${said}`;
        socket.terminate();
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk.length + body.length > 2000 ? '' : chunk));
      res.once('end', done);
      res.once('error', done);
      setTimeout(done, 1000).unref();
    });
    socket.on('open', () => {
      if (this.current !== socket) return;
      this.opened = true;
      this.backoff.reset();
      this.reason = 'connected';
      this.events.open(socket);
    });
    socket.on('close', (code, reasonBuffer) => {
      if (this.current !== socket) return;
      const wasOpen = this.opened;
      this.opened = false;
      this.current = undefined;
      this.lost(failure ?? (reasonBuffer.length > 0 ? `closed with ${code}: ${reasonBuffer.toString()}` : `closed with ${code}`), wasOpen);
    });
  }

  private lost(reason: string, wasOpen: boolean): void {
    this.reason = reason;
    if (this.stopped) return;
    const retryInMs = this.backoff.next();
    this.retryTimer = setTimeout(() => void this.dial(), retryInMs);
    if (this.options.unref) this.retryTimer.unref();
    this.events.down({ reason, wasOpen, attempt: this.backoff.attempt, retryInMs });
  }
}
