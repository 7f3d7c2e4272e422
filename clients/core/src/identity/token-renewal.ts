// Keeps a live connection's access token fresh without reconnecting: when the
// stored token is due, the session refreshes it and the client hands it to
// the gateway on the same connection (Reauthenticate), so that no event is
// lost to a reconnection at each token lifetime. Should the gateway refuse
// the fresh token, the client reconnects (asking the token function afresh),
// and the person sees the refusal if that one is refused too. A refresh that
// fails (the provider unreachable) is tried again while the current token lasts.
import type { GatewayClient } from '../gateway-client.js';
import { GatewayRequestError } from '../gateway-errors.js';

export interface TokenRenewalOptions {
  /** When the current access token should be replaced (ms since the epoch); undefined when nobody is signed in. */
  dueAtMs(): number | undefined;
  /** A valid access token, refreshed when due; undefined when nobody is signed in. */
  accessToken(): Promise<string | undefined>;
  /** Told of each renewal, or of a fallback to reconnecting (with why). */
  log?(message: string): void;
  now?(): number;
}

/** The soonest a renewal is tried again after one, so that a provider handing back the same token is no busy loop. */
const MIN_GAP_MS = 1000;
/** How soon a refresh that failed is tried again. */
const RETRY_MS = 5000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export class TokenRenewal {
  private timer: NodeJS.Timeout | undefined;
  private readonly offs: (() => void)[];
  private readonly now: () => number;

  constructor(
    private readonly client: GatewayClient,
    private readonly options: TokenRenewalOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.offs = [client.on('connected', () => this.schedule(0)), client.on('disconnected', () => this.cancel())];
  }

  stop(): void {
    this.cancel();
    for (const off of this.offs.splice(0)) off();
  }

  private cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(minGapMs: number): void {
    this.cancel();
    const due = this.options.dueAtMs();
    if (due === undefined) return;
    const ms = Math.min(Math.max(due - this.now(), minGapMs), MAX_TIMER_MS);
    this.timer = setTimeout(() => void this.renew(), ms);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    this.timer = undefined;
    let token: string | undefined;
    try {
      token = await this.options.accessToken();
    } catch (err) {
      this.options.log?.(`could not refresh the access token (${err instanceof Error ? err.message : String(err)}); trying again in ${RETRY_MS / 1000} s`);
      this.schedule(RETRY_MS);
      return;
    }
    // Signed out meanwhile, or the connection is gone: the next connection takes what the token function gives.
    if (token === undefined || !this.client.connected) return;
    try {
      await this.client.renewToken(token);
      this.options.log?.('renewed the access token on the open connection');
      this.schedule(MIN_GAP_MS);
    } catch (err) {
      if (!(err instanceof GatewayRequestError)) return; // the connection went; 'connected' schedules the next
      this.options.log?.(`the gateway refused the fresh token on the open connection (${err.message}); reconnecting with it`);
      this.client.reconnectNow();
    }
  }
}
