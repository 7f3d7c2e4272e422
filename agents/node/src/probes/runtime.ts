// The global object that hot-patched code and breakpoint conditions call on
// every hit. It lives on globalThis under HOOK_GLOBAL (non-enumerable,
// read-only) so that code in any module reaches it without an import. Probes
// are numbered slots: generated code carries its slot number, and releasing a
// slot silences that code at once, even while V8 still refuses to restore the
// original source.

import { useGetterOps } from './getter-reads.js';
import { HOOK_GLOBAL } from './hook-names.js';
import * as safe from './safe-ops.js';
import { captureSites, type CallSite } from './stack.js';
import type { CostMeter } from './types.js';
import { formatValue } from './value-format.js';

const RUNTIME_VERSION = 4;
/** One hit in this many is timed (the 64th, 128th, …: warm code), for the cost each probe shows in the editor. */
const SAMPLE_MASK = 63;

/** What the runtime needs to know about one installed probe. */
export interface SlotHandler {
  /** Literal text around the values: literals.length === values + 1. */
  readonly literals: readonly string[];
  /** Values shown as [redacted] instead of formatted (their name is secret), by index; absent means none. */
  readonly hidden?: readonly boolean[];
  /** Each value's text passes through this before it joins the line (redaction by content: the format's own literals are the user's). */
  redactValue?(text: string): string;
  /** Called on every hit (condition true) before any formatting: false skips the line. */
  admit(): boolean;
  /** A formatted line, for each admitted hit. */
  line(text: string): void;
  /** The condition (or the call into the hook) threw, or formatting the line did; reason is readable. */
  failed(reason: string, during: 'condition' | 'line'): void;
  /** When set, an admitted hit's raw values go here instead of being formatted into a line (counters, metrics); `sites`, the call stack, when `stackSites` asks for it. */
  take?(values: readonly unknown[], sites?: readonly CallSite[]): void;
  /** Call sites take() gets: read here, at the hook's entry, where the fewest of the agent's own frames are above the program's (V8's walk costs about a microsecond a frame). */
  readonly stackSites?: number;
  /** Called once when the slot is released (the probe was removed). */
  released?(): void;
}

export interface ProbeRuntime {
  readonly version: number;
  /** Registers a probe and returns its slot number; `cost` gets the time of its sampled hits. */
  allocate(handler: SlotHandler, cost?: CostMeter): number;
  /** Silences a slot; its generated code becomes a no-op. */
  release(slot: number): void;
  /** A pass counter for breakpoint conditions (`pass(k)` in their code); `passes(k)` reads it. */
  allocateCounter(): number;
  releaseCounter(k: number): void;
  passes(k: number): number;
}

/** The object generated code sees as HOOK_GLOBAL: hot-path methods plus the safe operators. */
interface Hook extends ProbeRuntime {
  hit(slot: number, values: readonly unknown[]): void;
  /** A tic-toc's start: the time (ms), kept as the slot's last tic; `on` false (its condition) clears that instead. */
  tic(slot: number, on: boolean): number;
  /** A tic-toc's end: `start` from the tic's variable (0: its condition was false), or undefined to take the slot's last tic. */
  toc(slot: number, start: number | undefined): void;
  fail(slot: number, error: unknown): void;
  pass(k: number): void;
}

/** One hit's work for a slot: admit, then its kind's take() or the formatted line; never throws. */
function runHit(h: SlotHandler, values: readonly unknown[]): void {
  try {
    if (!h.admit()) return;
    if (h.take !== undefined) return h.take(values, h.stackSites === undefined ? undefined : captureSites(h.stackSites));
    const lit = h.literals;
    const hidden = h.hidden;
    let text = lit[0]!;
    const redact = h.redactValue;
    for (let i = 0; i < values.length; i++) {
      const value = hidden !== undefined && hidden[i] ? '[redacted]' : formatValue(values[i]);
      text += (redact === undefined ? value : redact(value)) + lit[i + 1]!;
    }
    h.line(text);
  } catch (err) {
    // Formatting or the sink threw (a stack overflow deep in the program's recursion, say): said, never thrown into the host.
    try {
      h.failed(safe.m(err).text, 'line');
    } catch {
      // the stack is still exhausted: the next hit tries again
    }
  }
}

function createHook(): Hook {
  const slots: (SlotHandler | undefined)[] = [];
  const costs: (CostMeter | undefined)[] = [];
  const ticks: number[] = [];
  const measured = (slot: number, t0: number): void => {
    const c = costs[slot];
    if (c === undefined) return;
    c.costNs += (performance.now() - t0) * 1e6;
    c.costSamples++;
  };
  const counters: number[] = [];
  const tics: (number | undefined)[] = [];
  const span = [0]; // the one value a toc hands its handler, reused: take() reads it at once
  const freeCounters: number[] = [];
  const hook: Hook = Object.freeze({
    version: RUNTIME_VERSION,
    allocate(handler: SlotHandler, cost?: CostMeter): number {
      slots.push(handler);
      costs.push(cost);
      ticks.push(0);
      return slots.length - 1;
    },
    release(slot: number): void {
      const h = slots[slot];
      slots[slot] = undefined;
      costs[slot] = undefined;
      tics[slot] = undefined;
      try {
        h?.released?.();
      } catch {
        // a kind's cleanup never throws into the host
      }
    },
    allocateCounter(): number {
      const k = freeCounters.pop() ?? counters.length;
      counters[k] = 0;
      return k;
    },
    releaseCounter(k: number): void {
      counters[k] = 0;
      freeCounters.push(k);
    },
    passes(k: number): number {
      return counters[k] ?? 0;
    },
    pass(k: number): void {
      counters[k]!++;
    },
    hit(slot: number, values: readonly unknown[]): void {
      const h = slots[slot];
      if (h === undefined) return;
      if ((++ticks[slot]! & SAMPLE_MASK) !== 0) return runHit(h, values);
      const t0 = performance.now();
      runHit(h, values);
      measured(slot, t0);
    },
    tic(slot: number, on: boolean): number {
      const now = performance.now();
      if (slots[slot] !== undefined) tics[slot] = on ? now : undefined;
      return now;
    },
    toc(slot: number, start: number | undefined): void {
      const h = slots[slot];
      if (h === undefined || start === 0) return;
      const from = start ?? tics[slot];
      if (start === undefined) tics[slot] = undefined;
      if (typeof from !== 'number') return; // an end reached with no start: no span
      const now = performance.now();
      span[0] = now - from;
      runHit(h, span);
      // A span's cost is its end's work (the start is one clock read).
      if ((++ticks[slot]! & SAMPLE_MASK) === 0) measured(slot, now);
    },
    fail(slot: number, error: unknown): void {
      const h = slots[slot];
      if (h === undefined) return;
      try {
        h.failed(safe.m(error).text, 'condition');
      } catch {
        // never throw into the host
      }
    },
    // The safe operators generated expressions call (see expression.ts).
    g: safe.g,
    gv: safe.gv,
    ch: safe.ch,
    p: safe.p,
    eq: safe.eq,
    has: safe.has,
    inst: safe.inst,
    s: formatValue,
    c: safe.c,
    m: safe.m,
  });
  return hook;
}

/** Installs the hook on globalThis once per process and returns it. */
export function installRuntime(): ProbeRuntime {
  const existing = (globalThis as Record<string, unknown>)[HOOK_GLOBAL] as Partial<Hook> | undefined;
  if (existing !== undefined) {
    if (existing.version === RUNTIME_VERSION && typeof existing.allocate === 'function') {
      useGetterOps(existing);
      return existing as Hook;
    }
    throw new Error(
      `globalThis.${HOOK_GLOBAL} already holds an incompatible Sonde probe runtime (version ${String(existing.version)}, ` +
        `this agent needs ${RUNTIME_VERSION}): load only one version of @sonde/agent-node in this process`,
    );
  }
  const hook = createHook();
  useGetterOps(hook);
  Object.defineProperty(globalThis, HOOK_GLOBAL, { value: hook, enumerable: false, writable: false, configurable: false });
  return hook;
}
