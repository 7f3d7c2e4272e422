// A test peer that speaks raw Envelopes to a gateway endpoint: it can send
// anything (including garbage) and wait for the frames it expects.
import WebSocket from 'ws';
import { decodeEnvelope, encodeEnvelope, type Envelope, type EnvelopeInit } from '@sonde/protocol';

export class ProtocolPeer {
  private nextId = 100;
  readonly received: Envelope[] = [];
  private waiters: { match: (e: Envelope) => boolean; resolve: (e: Envelope) => void }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const r = decodeEnvelope(new Uint8Array(data as Buffer));
      if (!r.ok) throw new Error(`gateway sent an undecodable frame: ${r.message}`);
      this.received.push(r.envelope);
      this.waiters = this.waiters.filter((w) => (w.match(r.envelope) ? (w.resolve(r.envelope), false) : true));
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async connect(url: string, path: '/v1/agent' | '/v1/client'): Promise<ProtocolPeer> {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + path);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new ProtocolPeer(ws);
  }

  send(init: EnvelopeInit): void {
    this.ws.send(encodeEnvelope(init));
  }

  async request(init: EnvelopeInit): Promise<Envelope> {
    const id = this.nextId++;
    const reply = this.next((e) => e.replyTo === id);
    this.send({ ...init, id });
    return reply;
  }

  /** The first frame, already received or still to come, that matches. */
  next(match: (e: Envelope) => boolean, what = 'a matching frame', timeoutMs = 5000): Promise<Envelope> {
    const seen = this.received.find(match);
    if (seen) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; received: ${JSON.stringify(this.received.map((e) => e.toJSON()))}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(e), 1);
          resolve(e);
        },
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** A scripted agent: says hello, answers file queries from a fixed list of files. */
export async function scriptedAgent(
  url: string,
  hello: { agentId: string; appName?: string; tags?: string[]; instanceId?: string; runtime?: number },
  files: string[],
): Promise<{ peer: ProtocolPeer; actionSet: Envelope }> {
  const peer = await ProtocolPeer.connect(url, '/v1/agent');
  peer.ws.on('message', () => {
    for (const e of peer.received.filter((x) => x.fileQuery)) {
      peer.received.splice(peer.received.indexOf(e), 1);
      const want = e.fileQuery!.path ?? '';
      const loaded = files.find((f) => f === want || f.endsWith('/' + want));
      peer.send({ replyTo: e.id, fileQueryResult: { loadedPath: loaded ?? '' } });
    }
  });
  const actionSet = await peer.request({
    hello: { runtime: 1, pid: process.pid, host: 'test', roots: ['/srv/app'], files: files.map((path) => ({ path })), ...hello },
  });
  return { peer, actionSet };
}
