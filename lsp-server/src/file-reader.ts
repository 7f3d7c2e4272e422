// Reads a file the editor has not opened synchronously (the features that
// need a line are synchronous) but never for longer than a timeout: the
// file-system calls run in a worker thread while the server's thread waits
// on a shared flag. A file system that stops answering (a hung network
// mount) costs one request its answer, never the server: the stuck worker
// is dropped and the next read gets a new one.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ReadRequest, ReadResult } from './file-read.js';

/** How long one unopened file may take; a local 4 MiB read takes a few milliseconds. */
export const READ_TIMEOUT_MS = 2000;
const WORKER = new URL('./file-read-worker.js', import.meta.url);

interface Live {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

export class FileReader {
  private live: Live | undefined;

  constructor(
    private readonly timeoutMs = READ_TIMEOUT_MS,
    private readonly script: URL = WORKER,
  ) {}

  read(request: ReadRequest): ReadResult {
    const live = (this.live ??= this.spawn());
    Atomics.store(live.flag, 0, 0);
    live.port.postMessage(request);
    if (Atomics.wait(live.flag, 0, 0, this.timeoutMs) === 'timed-out') {
      this.drop();
      return { refused: `${request.path} did not answer within ${this.timeoutMs} ms (a file system that hangs?); open it in the editor` };
    }
    const reply = receiveMessageOnPort(live.port);
    return (reply?.message as ReadResult | undefined) ?? { refused: `${request.path} cannot be read: the reader did not answer` };
  }

  close(): void {
    this.drop();
  }

  private spawn(): Live {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(this.script, { workerData: { port: port2, flag }, transferList: [port2] });
    worker.unref();
    // A worker that dies answers no more: the next read starts another.
    worker.on('error', () => this.live?.worker === worker && this.drop());
    worker.on('exit', () => this.live?.worker === worker && (this.live = undefined));
    return { worker, port: port1, flag };
  }

  private drop(): void {
    const live = this.live;
    this.live = undefined;
    if (live === undefined) return;
    live.port.close();
    void live.worker.terminate();
  }
}
