// Waiting for something to happen, without asserting how long it takes.
import type { GatewayClient, GatewayClientEvent, GatewayClientEvents } from '../../src/index.js';

/** The next `event` from `client` that satisfies `match`. */
export function nextEvent<K extends GatewayClientEvent>(client: GatewayClient, event: K, match: (v: GatewayClientEvents[K]) => boolean = () => true): Promise<GatewayClientEvents[K]> {
  return new Promise((resolve) => {
    const stop = client.on(event, (value) => {
      if (!match(value)) return;
      stop();
      resolve(value);
    });
  });
}
