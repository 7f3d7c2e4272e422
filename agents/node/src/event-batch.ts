// What a flush sends leaves in frames of a bounded size, estimated from the
// strings they carry, well under the gateway's 1 MiB limit: 5,000 states at
// once, a burst of long lines or a big folder's loaded files must never make
// a frame that cannot be sent, which would lose all of it.

/** An estimate of a frame's bytes: UTF-8 takes at most 3 bytes a UTF-16 unit, so 256 KiB of estimate stays far under 1 MiB. */
export const BATCH_BYTES = 256 * 1024;
/** What an event or a file costs beside its strings (field tags, ids, numbers). */
const OVERHEAD = 64;

export class FrameBatch<T> {
  private items: T[] = [];
  private bytes = 0;

  constructor(
    private readonly send: (items: T[]) => void,
    private readonly limit = BATCH_BYTES,
  ) {}

  /** Adds an item whose strings hold `chars` UTF-16 units; sends the batch once it is full. */
  add(item: T, chars: number): void {
    this.items.push(item);
    this.bytes += chars + OVERHEAD;
    if (this.bytes > this.limit) this.flush();
  }

  flush(): void {
    this.bytes = 0;
    if (this.items.length > 0) this.send(this.items.splice(0));
  }
}
