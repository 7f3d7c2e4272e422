// The reader's worker thread: answers each request on its port, then wakes
// the waiting server thread through the shared flag (file-reader.ts).
import { workerData, type MessagePort } from 'node:worker_threads';
import { readFile, type ReadRequest } from './file-read.js';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
port.on('message', (request: ReadRequest) => {
  let result;
  try {
    result = readFile(request);
  } catch (err) {
    result = { refused: `${request.path} cannot be read: ${(err as Error).message}` };
  }
  port.postMessage(result);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
