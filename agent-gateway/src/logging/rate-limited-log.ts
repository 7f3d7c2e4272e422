// Log lines about what peers send wrong: a peer that sends garbage in a loop
// must not fill the gateway's disk. Per kind, the first lines of a window are
// written and the rest summarised when the window ends; every line is cut
// short, since it may quote what the peer sent.

/** Longer lines are cut: they quote peers' input, which may be of any size. */
export const MAX_LOG_LINE = 2000;

export type Log = (msg: string) => void;

interface Window {
  written: number;
  held: number;
  timer?: NodeJS.Timeout;
}

export class RateLimitedLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly log: Log,
    private readonly linesPerWindow: number,
    private readonly windowMs: number,
  ) {}

  /** Writes `msg` unless `kind` already wrote its share of lines in this window. */
  write(kind: string, msg: string): void {
    let w = this.windows.get(kind);
    if (!w) {
      w = { written: 0, held: 0 };
      this.windows.set(kind, w);
      const window = w;
      w.timer = setTimeout(() => this.close(kind, window), this.windowMs);
      w.timer.unref();
    }
    if (w.written < this.linesPerWindow) {
      w.written++;
      this.log(cut(msg));
    } else {
      w.held++;
    }
  }

  /** Writes the pending summaries now (at shutdown). */
  flush(): void {
    for (const [kind, w] of [...this.windows]) this.close(kind, w);
  }

  private close(kind: string, w: Window): void {
    clearTimeout(w.timer);
    this.windows.delete(kind);
    if (w.held > 0) this.log(`${w.held} more like this in the last ${this.windowMs / 1000} s (${kind})`);
  }
}

export function cut(msg: string): string {
  return msg.length > MAX_LOG_LINE ? `${msg.slice(0, MAX_LOG_LINE)}… (${msg.length - MAX_LOG_LINE} more characters)` : msg;
}
