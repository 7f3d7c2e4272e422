// Shared by the probe engine's tests: where fixtures live, a sink that
// records, and ways to wait for what the engine reports (never on time).

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProbeEngine, type ProbeEngineOptions } from '../../src/probes/index.js';
import type { MetricEvent, ProbeEvent, SnapshotEvent, ProbeSink, ProbeStateKind, ReasonCode } from '../../src/probes/index.js';

/** Compiled tests run from dist/test/probes; fixtures stay in the source tree. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures');
/** The agent package: the root the fixtures' workspace-relative paths start from. */
export const AGENT_ROOT = join(FIXTURES, '..', '..');
/** The behaviour every agent shares, as data (protocol/conformance). */
export const CONFORMANCE = join(AGENT_ROOT, '..', '..', 'protocol', 'conformance');

export interface StateEvent {
  id: string;
  state: ProbeStateKind;
  reason: string;
  code: ReasonCode;
}

export class RecordingSink implements ProbeSink {
  readonly states: StateEvent[] = [];
  readonly lines: { id: string; text: string }[] = [];
  readonly files: string[] = [];
  /** Counter and metric intervals, copied. */
  readonly metrics: ({ id: string } & MetricEvent)[] = [];
  readonly snapshots: { id: string; event: SnapshotEvent }[] = [];
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  state(id: string, state: ProbeStateKind, reason: string, code: ReasonCode): void {
    this.states.push({ id, state, reason, code });
    this.wake();
  }

  event(id: string, event: ProbeEvent): void {
    if (event.kind === 'log') this.lines.push({ id, text: event.text });
    else if (event.kind === 'snapshot') this.snapshots.push({ id, event });
    else this.metrics.push({ id, ...event });
    this.wake();
  }

  filesLoaded(paths: string[]): void {
    this.files.push(...paths);
    this.wake();
  }

  textsOf(id: string): string[] {
    return this.lines.filter((l) => l.id === id).map((l) => l.text);
  }

  lastState(id: string): StateEvent | undefined {
    return this.states.filter((s) => s.id === id).at(-1);
  }

  /** Resolves once the predicate holds (mocha's timeout bounds the wait). */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  untilState(id: string, state: ProbeStateKind, reasonIncludes = ''): Promise<StateEvent> {
    const find = () => this.states.find((s) => s.id === id && s.state === state && s.reason.includes(reasonIncludes));
    return this.until(() => find() !== undefined).then(() => find()!);
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.test());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

/** A started engine and its sink for each test of the suite, stopped after it; a test may replace `engine` (it is stopped instead). */
export function engineForEachTest(options: ProbeEngineOptions): { engine: ProbeEngine; sink: RecordingSink } {
  const t = {} as { engine: ProbeEngine; sink: RecordingSink };
  beforeEach(() => {
    t.sink = new RecordingSink();
    t.engine = new ProbeEngine(t.sink, options);
    t.engine.start();
  });
  afterEach(async () => {
    t.engine.stop();
    await t.engine.whenIdle();
  });
  return t;
}
