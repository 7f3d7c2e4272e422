import assert from 'node:assert/strict';
import { MessageType } from 'vscode-languageserver';
import { OutageReporter } from '../src/features/gateway-status.js';

const down = (attempt: number, wasConnected = false) => ({ url: 'ws://g/v1/client', reason: 'ECONNREFUSED', wasConnected, attempt, retryInMs: 100 });

describe('gateway status', () => {
  it('shows an outage once, however many retries fail', () => {
    const r = new OutageReporter('SONDE_GATEWAY_URL');
    const first = r.disconnected(down(1));
    assert.equal(first?.show, true);
    assert.equal(first?.type, MessageType.Warning);
    assert.match(first?.message ?? '', /cannot reach the gateway at ws:\/\/g\/v1\/client \(ECONNREFUSED\); retrying in the background\. Check SONDE_GATEWAY_URL/);
    assert.equal(r.disconnected(down(2)), undefined);
    assert.equal(r.disconnected(down(3)), undefined);
  });

  it('shows the next outage again after a connection, and logs reconnections quietly', () => {
    const r = new OutageReporter('SONDE_GATEWAY_URL');
    r.disconnected(down(1));
    assert.equal(r.connected({ url: 'ws://g/v1/client' })?.show, false);
    const lost = r.disconnected(down(1, true));
    assert.match(lost?.message ?? '', /lost the connection to the gateway/);
    assert.match(r.connected({ url: 'ws://g/v1/client' })?.message ?? '', /again$/);
  });
});
