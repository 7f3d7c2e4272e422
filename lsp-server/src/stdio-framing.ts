// LSP's framing on a byte stream (`Content-Length: N\r\n\r\n` then N bytes of
// JSON), read strictly. vscode-jsonrpc's own reader waits forever for a body
// that a wrong Content-Length announced (the server stays alive and deaf),
// reads on out of step after a header it cannot parse, and answers nothing to
// a body that is not JSON. This one answers a bad body and goes on (the
// framing is intact), and calls the stream lost, once, on anything that puts
// it out of step: the server then exits with that message and the editor
// starts a new one.
import { AbstractMessageReader, type DataCallback, type Disposable, type Message, type ResponseMessage } from 'vscode-jsonrpc/node';

export interface FramingLimits {
  /** A header block longer than this is not LSP. */
  maxHeaderBytes: number;
  /**
   * The largest body accepted. An editor's didOpen carries a whole document;
   * VS Code stops syncing documents to language servers at 50 MB, so 64 MiB
   * leaves room for any document an editor sends, and a larger Content-Length
   * is a corrupt stream, not a message to buffer.
   */
  maxBodyBytes: number;
  /** How long a message may stay incomplete with no byte arriving. */
  stallMs: number;
}

export const DEFAULT_FRAMING_LIMITS: FramingLimits = {
  maxHeaderBytes: 8 * 1024,
  maxBodyBytes: 64 * 1024 * 1024,
  stallMs: 10_000,
};

export interface FramingHooks {
  /** A body was not a JSON-RPC message: this is the error response to send (id null unless the message had one). */
  reject(response: ResponseMessage): void;
  /** The stream is out of step and cannot be read on; called at most once, after which nothing more is read. */
  lost(reason: string): void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

export class StrictMessageReader extends AbstractMessageReader {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private bodyLength: number | undefined;
  private stall: NodeJS.Timeout | undefined;
  private dead = false;
  private callback: DataCallback | undefined;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly hooks: FramingHooks,
    private readonly limits: FramingLimits = DEFAULT_FRAMING_LIMITS,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer | string): void => this.onData(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const onEnd = (): void => {
      this.clearStall();
      this.fireClose();
    };
    const onError = (err: Error): void => this.fireError(err);
    this.input.on('data', onData);
    this.input.on('end', onEnd);
    this.input.on('error', onError);
    return {
      dispose: () => {
        this.input.off('data', onData);
        this.input.off('end', onEnd);
        this.input.off('error', onError);
        this.clearStall();
      },
    };
  }

  private onData(chunk: Buffer): void {
    if (this.dead) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (!this.dead) {
      if (this.bodyLength === undefined) {
        const head = this.peek(Math.min(this.size, this.limits.maxHeaderBytes + CRLFCRLF.length));
        const end = head.indexOf(CRLFCRLF);
        if (end < 0) {
          if (this.size > this.limits.maxHeaderBytes) return this.lose(`no end of header (an empty line) in the first ${this.limits.maxHeaderBytes} bytes of a message`);
          return this.waitForMore();
        }
        const length = contentLength(head.subarray(0, end).toString('latin1'), this.limits.maxBodyBytes);
        if (typeof length === 'string') return this.lose(length);
        this.take(end + CRLFCRLF.length);
        this.bodyLength = length;
      }
      if (this.size < this.bodyLength) return this.waitForMore();
      const body = this.take(this.bodyLength);
      this.bodyLength = undefined;
      this.deliver(body);
      if (this.size === 0) {
        this.clearStall();
        return;
      }
    }
  }

  private deliver(body: Buffer): void {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (err) {
      this.hooks.reject(errorResponse(null, -32700, `Parse error: a message body of ${body.length} bytes is not JSON (${(err as Error).message}); it was skipped`));
      return;
    }
    if (!isMessage(value)) {
      const id = value !== null && typeof value === 'object' && !Array.isArray(value) ? idOf((value as Record<string, unknown>).id) : null;
      this.hooks.reject(errorResponse(id, -32600, 'Invalid Request: a message must be a JSON object with a string "method" (request, notification) or an "id" (response); it was skipped'));
      return;
    }
    this.callback?.(value);
  }

  private waitForMore(): void {
    this.clearStall();
    this.stall = setTimeout(() => {
      const what = this.bodyLength === undefined ? `a header of ${this.size} bytes` : `${this.size} of the ${this.bodyLength} bytes its Content-Length announced`;
      this.lose(`a message stopped arriving part-way (${what}, then nothing for ${this.limits.stallMs} ms); a wrong Content-Length puts the stream out of step`);
    }, this.limits.stallMs);
    this.stall.unref();
  }

  private clearStall(): void {
    if (this.stall) clearTimeout(this.stall);
    this.stall = undefined;
  }

  private lose(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    this.clearStall();
    this.chunks.length = 0;
    this.size = 0;
    this.hooks.lost(reason);
  }

  /** The first `n` buffered bytes, without consuming them (n is at most a header's size). */
  private peek(n: number): Buffer {
    if (this.chunks[0] && this.chunks[0].length >= n) return this.chunks[0].subarray(0, n);
    return Buffer.concat(this.chunks, this.size).subarray(0, n);
  }

  /** Removes and returns the first `n` buffered bytes, copying once. */
  private take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const first = this.chunks[0]!;
      const want = n - filled;
      if (first.length <= want) {
        first.copy(out, filled);
        filled += first.length;
        this.chunks.shift();
      } else {
        first.copy(out, filled, 0, want);
        this.chunks[0] = first.subarray(want);
        filled += want;
      }
    }
    this.size -= n;
    return out;
  }
}

/** The body length a header block announces, or what is wrong with it. */
function contentLength(header: string, maxBodyBytes: number): number | string {
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `a header line is not "Name: value": ${JSON.stringify(line.slice(0, 80))}`;
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
    const value = line.slice(colon + 1).trim();
    if (!/^\d{1,16}$/.test(value)) return `Content-Length must be a number of bytes, got ${JSON.stringify(value.slice(0, 40))}`;
    length = Number(value);
  }
  if (length === undefined) return `a message header has no Content-Length: ${JSON.stringify(header.slice(0, 120))}`;
  if (length > maxBodyBytes) return `Content-Length ${length} is over the ${maxBodyBytes}-byte limit of a message`;
  return length;
}

function isMessage(value: unknown): value is Message {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const m = value as Record<string, unknown>;
  return typeof m.method === 'string' || ('id' in m && ('result' in m || 'error' in m));
}

function idOf(id: unknown): number | string | null {
  return typeof id === 'number' || typeof id === 'string' ? id : null;
}

function errorResponse(id: number | string | null, code: number, message: string): ResponseMessage {
  return { jsonrpc: '2.0', id, error: { code, message } };
}
