// What a user of EnvelopeChannel gives it and gets from it: handlers and
// their replies, the options, and the problems it reports. The channel's
// behaviour is in channel.ts.
import type { Body, Envelope, EnvelopeInit } from '@sonde/protocol';

/**
 * Handles one unsolicited body; what it returns is sent as the reply (when
 * the envelope asked for one): one envelope, or the parts of a reply too
 * large for one frame (see fitFrames), sent in order with `more` set on all
 * but the last. Throw RequestError to reply with an Error.
 */
export type Handler<C = void> = (envelope: Envelope, context: C) => Promise<Reply | void> | Reply | void;
export type Reply = EnvelopeInit | readonly EnvelopeInit[];
export type Handlers<C = void> = Partial<Record<Body, Handler<C>>>;

/** Something the peer sent that this side could not use; the connection stays open. */
export interface ProtocolProblem {
  kind: 'text-frame' | 'undecodable' | 'late-reply' | 'not-accepted';
  message: string;
}

export interface ChannelOptions<C> {
  /** The endpoint, for messages about what it accepts: "/v1/agent". */
  endpoint: string;
  /** The other end, for messages about its answers: "the Sonde gateway at ws://…". */
  peer: string;
  /** This end, for messages about its own failures: "the gateway". Default: the endpoint. */
  self?: string;
  handlers?: Handlers<C>;
  /** Passed to every handler (the gateway's connection record, for instance). */
  context?: C;
  /**
   * Takes what no handler and no pending request took (unsolicited bodies
   * without a handler, replies nobody waits for) instead of the default
   * (an Error reply or a late-reply problem). Test peers use it.
   */
  fallback?: (envelope: Envelope, body: Body) => void;
  /** Sees every decoded envelope first. */
  observe?: (envelope: Envelope) => void;
  /**
   * Given a frame that does not decode, may return the part of it that
   * does (an event batch without its one bad event); that envelope is then
   * handled as if it had arrived, and the frame is not refused.
   */
  recover?: (frame: Buffer) => Envelope | undefined;
  onProblem?: (problem: ProtocolProblem) => void;
  /** A handler failed with something other than RequestError; it was answered as INTERNAL. */
  onHandlerFailure?: (body: Body, err: unknown) => void;
  /** Default timeout of request(). Default 10 s. */
  requestTimeoutMs?: number;
}

export interface RequestOptions {
  /** The reply body wanted; any other (but an Error) rejects. */
  expect?: Body;
  /** What the request is, for messages ("list_actions"). */
  what?: string;
  timeoutMs?: number;
}
