// The agent's link to the gateway's /v1/agent endpoint, on the shared RPC
// layer: says hello on every connect, answers the gateway's requests, and
// reconnects with backoff. It never keeps the host process alive and never
// throws into it.
import type WebSocket from 'ws';
import { MAX_FRAME_BYTES, sonde, type EnvelopeInit } from '@sonde/protocol';
import { EnvelopeChannel, Reconnector, endpointUrl, type Handlers } from '@sonde/rpc';

export interface ConnectionHandlers {
  /** Built afresh on each connect, so it lists what is loaded now. */
  hello(): sonde.v1.IHello;
  /** The gateway's answer to hello: its policy (applied first) and every action for this agent. */
  onActionSet(actions: sonde.v1.IAction[], policy: sonde.v1.IPolicy): void;
  /** The operator changed the policy. */
  onPolicy(policy: sonde.v1.IPolicy): void;
  onUpsert(action: sonde.v1.IAction): void;
  onRemoved(actionId: string): void;
  /** Throw a RequestError (from @sonde/rpc) to answer with an Error instead. */
  onFileQuery(query: sonde.v1.IFileQuery): Promise<sonde.v1.IFileQueryResult>;
}

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 15_000;
/** A gateway that takes longer than this to answer hello is treated as lost, and dialed again. */
const HELLO_TIMEOUT_MS = 30_000;
/** Failed attempts in a row that are logged; the rest are retried quietly. */
const FAILURES_LOGGED = 3;

export class GatewayConnection {
  private readonly reconnector: Reconnector;
  private channel: EnvelopeChannel | undefined;
  private ready = false;

  constructor(
    private readonly url: string,
    agentKey: string,
    private readonly handlers: ConnectionHandlers,
    private readonly log: (msg: string) => void,
  ) {
    this.reconnector = new Reconnector(
      {
        url: endpointUrl(url, '/v1/agent'),
        credential: agentKey || undefined,
        // The agent must never be what keeps the host process running.
        unref: true,
        initialDelayMs: BACKOFF_MIN_MS,
        maxDelayMs: BACKOFF_MAX_MS,
      },
      {
        open: (socket) => this.opened(socket),
        down: (outage) => {
          const wasReady = this.ready;
          this.ready = false;
          this.channel = undefined;
          if (wasReady) this.log(`lost the gateway ${this.url}; reconnecting`);
          else if (outage.attempt <= FAILURES_LOGGED) this.log(`gateway ${this.url} unreachable (${outage.reason}); retrying with backoff`);
        },
      },
    );
  }

  /** True once the gateway has answered hello. */
  get isReady(): boolean {
    return this.ready;
  }

  start(): void {
    this.reconnector.start();
  }

  stop(): void {
    this.ready = false;
    void this.reconnector.stop('agent stopping');
  }

  /** Sends if connected; false when the frame was not sent (not connected, or over the frame limit). */
  send(init: EnvelopeInit): boolean {
    const channel = this.channel;
    if (!this.ready || channel === undefined || !channel.isOpen) return false;
    if (channel.send(init)) return true;
    if (channel.isOpen) this.log(`dropped a frame over the gateway's ${MAX_FRAME_BYTES}-byte limit`);
    return false;
  }

  private opened(socket: WebSocket): void {
    const handlers: Handlers = {
      actionUpsert: (e) => {
        if (e.actionUpsert?.action) this.handlers.onUpsert(e.actionUpsert.action);
      },
      actionRemoved: (e) => this.handlers.onRemoved(e.actionRemoved?.actionId ?? ''),
      policy: (e) => this.handlers.onPolicy(e.policy ?? {}),
      fileQuery: async (e) => ({ fileQueryResult: await this.handlers.onFileQuery(e.fileQuery ?? {}) }),
      // The gateway's answer to something sent without an id (events before hello, say).
      error: (e) => this.log(`gateway error ${sonde.v1.ErrorCode[e.error?.code ?? 0]}: ${e.error?.message}`),
    };
    const channel = new EnvelopeChannel(socket, {
      endpoint: 'the agent',
      peer: `the gateway ${this.url}`,
      self: 'the agent',
      handlers,
      onProblem: (p) => this.log(`ignored a frame from the gateway: ${p.message}`),
      onHandlerFailure: (body, err) => this.log(`failed to handle ${body}: ${(err as Error).stack ?? err}`),
    });
    this.channel = channel;
    let hello: sonde.v1.IHello;
    try {
      hello = this.handlers.hello();
    } catch (err) {
      this.log(`could not say hello: ${(err as Error).message}`);
      return;
    }
    channel.request({ hello }, { expect: 'actionSet', what: 'hello', timeoutMs: HELLO_TIMEOUT_MS }).then(
      (reply) => {
        if (this.channel !== channel) return;
        this.ready = true;
        this.log(`connected to ${this.url}`);
        try {
          this.handlers.onActionSet(reply.actionSet?.actions ?? [], reply.actionSet?.policy ?? {});
        } catch (err) {
          // Thrown here it would be an unhandled rejection, which ends the host process.
          this.log(`failed to apply the gateway's actions: ${(err as Error).stack ?? err}`);
        }
      },
      (err: Error) => {
        if (this.channel !== channel) return;
        this.log(`the gateway did not accept hello (${err.message}); reconnecting`);
        channel.close(1000, 'hello failed');
      },
    );
  }
}
