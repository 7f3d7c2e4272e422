// What a gateway request can end in besides its reply, in the words of a
// client of the gateway (the RPC layer's own errors name no peer).
import { enumLabel, sonde } from '@sonde/protocol';

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
