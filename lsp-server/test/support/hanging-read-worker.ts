// A reader worker whose file system never answers, as a hung network mount
// would: each request blocks its thread for good.
import { workerData, type MessagePort } from 'node:worker_threads';

const { port } = workerData as { port: MessagePort };
port.on('message', () => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});
