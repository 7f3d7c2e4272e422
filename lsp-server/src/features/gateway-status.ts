// Tells the user once when the gateway cannot be reached (not at every retry),
// and quietly logs when it is back.
import { MessageType } from 'vscode-languageserver';
import type { GatewayClientEvents } from '@sonde/client-core';

export interface StatusMessage {
  /** showMessage for what the user must act on, logMessage otherwise. */
  show: boolean;
  type: MessageType;
  message: string;
}

/** The gateway's close at a token's expiry (4401), or ours after a sign-in or sign-out (1000). */
const RENEWAL = /^closed with (4401|1000)\b/;

export class OutageReporter {
  private reported = false;
  private everConnected = false;

  constructor(private readonly settingName: string) {}

  connected(event: GatewayClientEvents['connected']): StatusMessage {
    this.reported = false;
    const again = this.everConnected ? ' again' : '';
    this.everConnected = true;
    return { show: false, type: MessageType.Info, message: `Sonde: connected to the gateway at ${event.url}${again}` };
  }

  disconnected(event: GatewayClientEvents['disconnected']): StatusMessage | undefined {
    // Closed to come back with a fresh token (it expired, or a sign-in changed it): nothing for the person to do.
    if (event.wasConnected && RENEWAL.test(event.reason)) return { show: false, type: MessageType.Log, message: `Sonde: reconnecting to the gateway with a fresh token (${event.reason})` };
    if (this.reported) return undefined;
    this.reported = true;
    const what = event.wasConnected ? 'lost the connection to' : 'cannot reach';
    return {
      show: true,
      type: MessageType.Warning,
      message: `Sonde ${what} the gateway at ${event.url} (${event.reason}); retrying in the background. Check ${this.settingName} and that the gateway runs.`,
    };
  }
}
