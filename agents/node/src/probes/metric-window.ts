// Counters and metrics aggregate inside the agent: each probe adds its hits
// (and values) to its current interval, and every interval the engine's one
// timer hands each probe's figures to the sink as one MetricEvent. Values go
// into a DDSketch (@datadog/sketches-js): quantiles within 1 % of the true
// value for any double, negative ones included, at about 60 ns a value, and
// mergeable across agents. An interval with nothing is sent once, so a lens
// falls to zero, then nothing until the probe fires again.

import { DDSketch } from '@datadog/sketches-js';
import type { ProbeSink } from './types.js';

export const DEFAULT_METRIC_INTERVAL_MS = 5000;
const RELATIVE_ACCURACY = 0.01;

/** One probe's current interval. */
export class MetricAggregate {
  count = 0;
  private sketch: DDSketch | undefined;
  private wasEmpty = true;

  constructor(
    readonly id: string,
    readonly name: string,
    /** Counters count; metrics also keep values. */
    private readonly values: boolean,
  ) {}

  add(value: number): void {
    this.count++;
    if (this.values) (this.sketch ??= new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY })).accept(value);
  }

  /** The interval's figures for the sink, or undefined when it and the last were empty; starts the next. */
  take(startMs: number, endMs: number): Parameters<ProbeSink['event']>[1] | undefined {
    const empty = this.count === 0;
    if (empty && this.wasEmpty) return undefined;
    this.wasEmpty = empty;
    // A sketch exists only once a value came (add() makes it).
    const s = this.sketch;
    const q = (p: number) => (s === undefined ? 0 : s.getValueAtQuantile(p));
    const event = {
      kind: 'metric' as const,
      name: this.name,
      startMs,
      endMs,
      count: this.count,
      sum: s?.sum ?? 0,
      min: s?.min ?? 0,
      max: s?.max ?? 0,
      p50: q(0.5),
      p90: q(0.9),
      p99: q(0.99),
    };
    this.count = 0;
    this.sketch = undefined;
    return event;
  }
}

/** Every live aggregate, and the timer that sends their intervals. */
export class MetricWindows {
  private readonly live = new Set<MetricAggregate>();
  private timer: NodeJS.Timeout | undefined;
  private startMs = Date.now();

  constructor(
    private readonly sink: ProbeSink,
    private readonly log: (message: string) => void,
    private readonly intervalMs = DEFAULT_METRIC_INTERVAL_MS,
  ) {}

  open(id: string, name: string, values: boolean): MetricAggregate {
    const aggregate = new MetricAggregate(id, name, values);
    this.live.add(aggregate);
    if (this.timer === undefined) {
      this.startMs = Date.now();
      this.timer = setInterval(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
    return aggregate;
  }

  /** The probe was removed: what it aggregated since the last interval is sent, then it is forgotten. */
  close(aggregate: MetricAggregate): void {
    if (!this.live.delete(aggregate)) return;
    this.send(aggregate, Date.now());
    if (this.live.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Sends every aggregate's interval now (the timer, and tests). */
  flush(): void {
    const endMs = Date.now();
    for (const aggregate of this.live) this.send(aggregate, endMs);
    this.startMs = endMs;
  }

  private send(aggregate: MetricAggregate, endMs: number): void {
    try {
      const event = aggregate.take(this.startMs, endMs);
      if (event !== undefined) this.sink.event(aggregate.id, event);
    } catch (err) {
      this.log(`a metric's interval could not be sent: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
