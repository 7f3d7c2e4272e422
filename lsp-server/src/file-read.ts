// The file-system work of reading a file the editor has not opened, run in
// the reader's worker thread (file-reader.ts). Only what cannot hang,
// exhaust or leak: a regular file (never a FIFO, whose open blocks until a
// writer comes, nor a device such as /dev/zero, which never ends), under
// the workspace root once symlinks are resolved (a code action on
// file:///etc/passwd reads nothing), of bounded size, read with one bounded
// read. A file whose identity and size match `knownKey` is not read again.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isUnder } from './workspace.js';

export interface ReadRequest {
  path: string;
  root: string;
  maxBytes: number;
  /** The key of the copy the caller holds, if any. */
  knownKey?: string;
}

export type ReadResult = { real: string; key: string; text?: string } | { refused: string };

// Open flags: never block on a FIFO that slipped in after the stat, never follow a swapped-in symlink.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

export function readFile({ path, root, maxBytes, knownKey }: ReadRequest): ReadResult {
  let real: string;
  let stats: Stats;
  try {
    real = realpathSync(path);
    if (!isUnder(realpathSync(root), real)) return { refused: `${path} is not under the workspace root ${root}` };
    stats = statSync(real);
  } catch (err) {
    return { refused: `cannot look at ${path}: ${(err as Error).message}` };
  }
  const problem = unreadable(stats, maxBytes);
  if (problem) return { refused: `${path} ${problem}` };
  const key = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  if (key === knownKey) return { real, key };
  const text = readBounded(real, stats, maxBytes);
  return typeof text === 'string' ? { real, key, text } : { refused: `${path} ${text.problem}` };
}

function unreadable(stats: Stats, maxBytes: number): string | undefined {
  if (!stats.isFile()) return 'is not a regular file (a directory, FIFO, socket or device)';
  if (stats.size > maxBytes) return `is ${stats.size} bytes, over the ${maxBytes}-byte limit for files the editor has not opened; open it in the editor`;
  return undefined;
}

function readBounded(path: string, before: Stats, maxBytes: number): string | { problem: string } {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    return { problem: `cannot be opened: ${(err as Error).message}` };
  }
  try {
    // The file may have been swapped between the stat and the open.
    const stats = fstatSync(fd);
    const problem = stats.ino !== before.ino || stats.dev !== before.dev ? 'changed while being opened' : unreadable(stats, maxBytes);
    if (problem) return { problem };
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes));
    let filled = 0;
    while (filled < buffer.length) {
      const n = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    return buffer.subarray(0, filled).toString('utf8');
  } catch (err) {
    return { problem: `cannot be read: ${(err as Error).message}` };
  } finally {
    closeSync(fd);
  }
}
