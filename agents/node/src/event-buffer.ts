// Events wait here while the gateway is away or between flushes. The buffer
// is a ring: when full, the oldest event goes and is counted, so memory stays
// bounded whatever the host does. The owner hears of each event dropped, to
// count it where it belongs.
export class EventBuffer<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;
  /** Events lost to overflow since start. */
  dropped = 0;

  constructor(
    readonly capacity: number,
    private readonly onDrop: (item: T) => void = () => {},
  ) {
    this.items = new Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.capacity) {
      const oldest = this.items[this.head] as T;
      this.head = (this.head + 1) % this.capacity;
      this.count--;
      this.dropped++;
      this.onDrop(oldest);
    }
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count++;
  }

  /** Removes and returns up to `max` of the oldest events. */
  take(max: number): T[] {
    const n = Math.min(max, this.count);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) {
      const at = (this.head + i) % this.capacity;
      out[i] = this.items[at] as T;
      this.items[at] = undefined;
    }
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    return out;
  }
}
