// The files one agent reported (in its hello and in files_loaded since),
// kept against the per-agent caps on their count and their characters, so
// that one agent cannot grow the gateway by reporting files.
import type { sonde } from '@sonde/protocol';
import { MAX_CHARS } from '../checks/fields.js';
import type { GatewayLimits } from '../limits.js';

export class FileList {
  readonly files: sonde.v1.ILoadedFile[] = [];
  private chars = 0;

  constructor(private readonly limits: GatewayLimits) {}

  /**
   * Keeps the files that fit under the caps, earliest first. Returns what
   * was left out and why (the caller answers or logs it), or undefined.
   */
  add(field: string, files: readonly sonde.v1.ILoadedFile[]): string | undefined {
    const { maxFilesPerAgent, maxFilePathCharsPerAgent } = this.limits;
    let tooLong: string | undefined;
    for (const [i, f] of files.entries()) {
      const path = f.path ?? '';
      const hash = f.contentHash ?? '';
      if (path.length > MAX_CHARS.path || hash.length > MAX_CHARS.contentHash) {
        const which = path.length > MAX_CHARS.path ? `path is ${path.length} characters long; the limit is ${MAX_CHARS.path}` : `content_hash is ${hash.length} characters long; the limit is ${MAX_CHARS.contentHash}`;
        tooLong ??= `${field}[${i}].${which} (left out)`;
        continue;
      }
      const overCount = this.files.length >= maxFilesPerAgent;
      if (overCount || this.chars + path.length + hash.length > maxFilePathCharsPerAgent) {
        const cap = overCount ? `${maxFilesPerAgent} files` : `${maxFilePathCharsPerAgent} characters of file paths`;
        return `${field}: this agent reported ${cap}, the gateway's limit per agent; the earliest ${this.files.length} are kept, the last ${files.length - i} of this report are not (actions on those files still reach the agent)`;
      }
      this.files.push({ path, contentHash: hash });
      this.chars += path.length + hash.length;
    }
    return tooLong;
  }
}
