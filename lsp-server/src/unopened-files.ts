// Reading a file the editor has not opened (a command or a code action may
// name one). Only what cannot hang, exhaust or leak: a regular file (never a
// FIFO, whose open blocks until a writer comes, nor a device such as
// /dev/zero, which never ends), under the workspace root once symlinks are
// resolved (a code action on file:///etc/passwd reads nothing), of bounded
// size, read with one bounded read.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isUnder } from './workspace.js';

/**
 * The largest unopened file read. Sources a person sets a log in are far
 * smaller (a long hand-written module is a few hundred KB; a minified bundle
 * a few MB, and its lines are no use to a default format); 4 MiB is read in a
 * few milliseconds, so the server stays responsive. A document the editor
 * opened is always used whatever its size.
 */
const MAX_UNOPENED_FILE_BYTES = 4 * 1024 * 1024;

export type UnopenedFile = { lines: readonly string[] } | { refused: string };

// Open flags: never block on a FIFO that slipped in after the stat, never follow a swapped-in symlink.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);
const CACHED_FILES = 4;

interface Cached {
  key: string;
  lines: readonly string[];
}

/** Reads unopened files under one root, keeping the last few, so that a diagnostics pass over many actions reads each file once. */
export class UnopenedFiles {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly root: () => string | undefined,
    private readonly maxBytes = MAX_UNOPENED_FILE_BYTES,
  ) {}

  read(path: string): UnopenedFile {
    const root = this.root();
    if (!root) return { refused: 'there is no workspace root, so only documents the editor opened are read' };
    let real: string;
    let stats: Stats;
    try {
      real = realpathSync(path);
      if (!isUnder(realpathSync(root), real)) return { refused: `${path} is not under the workspace root ${root}` };
      stats = statSync(real);
    } catch (err) {
      return { refused: `cannot look at ${path}: ${(err as Error).message}` };
    }
    const problem = unreadable(stats, this.maxBytes);
    if (problem) return { refused: `${path} ${problem}` };
    const key = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    const hit = this.cache.get(real);
    if (hit?.key === key) return { lines: hit.lines };

    const text = readBounded(real, stats, this.maxBytes);
    if (typeof text !== 'string') return { refused: `${path} ${text.problem}` };
    const lines = text.split(/\r\n|\r|\n/);
    this.cache.delete(real);
    this.cache.set(real, { key, lines });
    if (this.cache.size > CACHED_FILES) this.cache.delete(this.cache.keys().next().value!);
    return { lines };
  }
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
