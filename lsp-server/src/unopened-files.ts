// Reading a file the editor has not opened (a command or a code action may
// name one): the rules of file-read.ts, within the timeout of file-reader.ts,
// the last few files kept.
import { FileReader } from './file-reader.js';

/**
 * The largest unopened file read. Sources a person sets a log in are far
 * smaller (a long hand-written module is a few hundred KB; a minified bundle
 * a few MB, and its lines are no use to a default format); 4 MiB is read in a
 * few milliseconds, so the server stays responsive. A document the editor
 * opened is always used whatever its size.
 */
const MAX_UNOPENED_FILE_BYTES = 4 * 1024 * 1024;

export type UnopenedFile = { lines: readonly string[] } | { refused: string };

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
    private readonly reader = new FileReader(),
  ) {}

  read(path: string): UnopenedFile {
    const root = this.root();
    if (!root) return { refused: 'there is no workspace root, so only documents the editor opened are read' };
    const known = this.cache.get(path);
    const read = this.reader.read({ path, root, maxBytes: this.maxBytes, knownKey: known?.key });
    if ('refused' in read) return read;
    if (read.text === undefined && known !== undefined) return { lines: known.lines };
    const lines = (read.text ?? '').split(/\r\n|\r|\n/);
    this.cache.delete(path);
    this.cache.set(path, { key: read.key, lines });
    if (this.cache.size > CACHED_FILES) this.cache.delete(this.cache.keys().next().value!);
    return { lines };
  }
}
