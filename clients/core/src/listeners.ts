// Typed listeners per event name. A listener that throws is reported and
// skipped: one listener's bug must not break the connection or the others.

type Listener<T> = (value: T) => void;

export class Listeners<Events extends object> {
  private readonly sets = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly log: (message: string) => void) {}

  /** Listens to one kind of event; returns a function that stops listening. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.sets.get(event);
    if (!set) this.sets.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    for (const listener of [...(this.sets.get(event) ?? [])] as Listener<Events[K]>[]) {
      try {
        listener(value);
      } catch (err) {
        this.log(`a "${String(event)}" listener threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
  }
}
