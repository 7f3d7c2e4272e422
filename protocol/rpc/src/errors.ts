// What a request can end in besides its reply. Both carry a message that says
// what went wrong and what to do; callers may wrap them in their own names.
import { enumLabel, sonde } from '@sonde/protocol';

/**
 * The peer answered with an Error envelope, or a handler refuses a request
 * (thrown inside a handler, it becomes the Error reply; the connection stays open).
 */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly code: sonde.v1.ErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The code's label, e.g. `not_found`. */
  get codeLabel(): string {
    return enumLabel(sonde.v1.ErrorCode, this.code);
  }
}

/** No answer could be had: not connected, the connection closed, the frame could not be sent, or no reply in time. */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
  constructor(
    message: string,
    /** Why, in one word, for callers that phrase their own message. */
    readonly reason: 'not-open' | 'closed' | 'timeout' | 'send-failed',
  ) {
    super(message);
  }
}
