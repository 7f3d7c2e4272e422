// Refused connections go on the audit log, but a stranger retrying in a loop
// must not grow it without bound: per address, the first 20 refusals a minute
// are written as they come; the rest are counted, and the count is written
// with that address's next written refusal (an address that never comes
// back leaves its last count unwritten).

const PER_WINDOW = 20;
const WINDOW_MS = 60_000;
/** Addresses remembered at once; the oldest windows are forgotten first. */
const MAX_ADDRESSES = 10_000;

export class RefusalLimit {
  private readonly windows = new Map<string, { startMs: number; written: number; held: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Whether this refusal is written, and how many earlier ones from the address were held
   * back (to be written with it as a count).
   */
  admit(address: string): { write: boolean; held: number } {
    const now = this.now();
    let w = this.windows.get(address);
    let held = 0;
    if (w === undefined || now - w.startMs >= WINDOW_MS) {
      held = w?.held ?? 0;
      this.windows.delete(address);
      if (this.windows.size >= MAX_ADDRESSES) this.windows.delete(this.windows.keys().next().value!);
      w = { startMs: now, written: 0, held: 0 };
      this.windows.set(address, w);
    }
    if (w.written < PER_WINDOW) {
      w.written++;
      return { write: true, held };
    }
    w.held++;
    return { write: false, held: 0 };
  }
}
