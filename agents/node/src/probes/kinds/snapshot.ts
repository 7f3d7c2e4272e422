// Snapshot probes: at a hit, without pausing, the stack and the top frame's
// visible variables (the names its site can see, read like a log's values:
// a binding not initialised yet gives a marker, never an exception), and the
// watch expressions, each captured as a bounded tree (capture.ts). The
// default hit limit is 1; past it the probe falls silent and says so.

import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureAll, DEFAULT_CAPTURE_LIMITS, type CaptureLimits } from '../capture.js';
import { compileExpression } from '../expression.js';
import { compileCondition, compileFailure } from '../probe-code.js';
import type { SlotHandler } from '../runtime.js';
import { framesOf } from '../stack.js';
import { originalFrame } from '../frame-mapping.js';
import type { SnapshotEvent, SnapshotFrame, SnapshotLimits, SnapshotProbeSpec } from '../types.js';
import { redactTree } from '../redact-tree.js';
import { hitNow } from '../hit-clock.js';
import { admitByQuota, FailingState } from './hit-state.js';
import type { HitContext, ProbeKind } from './kind.js';

/** The agent's compiled code: its frames are not the program's. */
const AGENT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..') + sep;
const isAgentFile = (path: string) => path.startsWith(AGENT_DIR);
const MAX_WATCHES = 32;
/** Frames a snapshot keeps. */
const MAX_FRAMES = 20;

export const HIT_LIMIT_REASON = (n: number) => `hit limit reached: ${n} snapshot${n === 1 ? '' : 's'} taken; add the snapshot again for more`;

export const snapshotKind: ProbeKind<SnapshotProbeSpec> = {
  kind: 'snapshot',
  plural: 'snapshots',

  check(spec) {
    if (typeof spec.condition !== 'string') return 'condition must be a string (an empty condition means always)';
    if (!Array.isArray(spec.expressions) || !spec.expressions.every((e) => typeof e === 'string')) return 'expressions must be a list of strings';
    if (spec.expressions.length > MAX_WATCHES) return `a snapshot takes at most ${MAX_WATCHES} watch expressions; it has ${spec.expressions.length}`;
    if (!Number.isInteger(spec.hitLimit) || spec.hitLimit < 0) return 'the hit limit must be a whole number (0 means 1)';
    return undefined;
  },

  compile(spec) {
    const condition = compileCondition(spec.condition);
    if (!condition.ok) return condition;
    const values: string[] = [];
    for (const [i, text] of spec.expressions.entries()) {
      const e = compileExpression(text);
      if (!e.ok) return compileFailure(`expression ${i + 1} (${text.slice(0, 60)}): ${e.error}`, e.unsafe);
      values.push(e.code);
    }
    const limits = captureLimits(spec.limits);
    return {
      ok: true,
      probe: { code: { values, condition: condition.code, scope: { max: limits.fields } }, handler: (ctx) => snapshotHandler(ctx, spec, limits) },
    };
  },
};

function captureLimits(l: SnapshotLimits | undefined): CaptureLimits {
  const d = DEFAULT_CAPTURE_LIMITS;
  const pick = (v: number | undefined, dflt: number) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : dflt);
  return {
    depth: pick(l?.depth, d.depth),
    fields: pick(l?.fields, d.fields),
    items: pick(l?.items, d.items),
    stringLength: pick(l?.stringLength, d.stringLength),
    bytes: pick(l?.bytes, d.bytes),
  };
}

function snapshotHandler(ctx: HitContext, spec: SnapshotProbeSpec, limits: CaptureLimits): SlotHandler {
  const { id, counter, sink } = ctx;
  const hitLimit = spec.hitLimit > 0 ? spec.hitLimit : 1;
  const watches = spec.expressions;
  let taken = 0;
  const failing = new FailingState(ctx);
  return {
    literals: [''],
    admit: () => {
      if (taken >= hitLimit) return false;
      counter.hits++;
      return admitByQuota(ctx, hitNow());
    },
    line: () => {}, // never called: take() gets every admitted hit
    // The frames kept, and the agent's own above them (the hook, a breakpoint's condition).
    stackSites: MAX_FRAMES + 4,
    take: (values, sites = []) => {
      failing.ok();
      // values: [[total, ...names], ...watches, ...the names' values]
      const header = values[0] as unknown[];
      const names = header.slice(1) as string[];
      const total = header[0] as number;
      const entries: [string, unknown][] = watches.map((w, i) => [w, values[1 + i]]);
      names.forEach((n, i) => entries.push([n, values[1 + watches.length + i]]));
      const captured = captureAll(entries, limits);
      redactTree(captured.variables, ctx.redaction);
      const stack = framesOf(sites, isAgentFile, MAX_FRAMES);
      // One object of one shape a frame: a spread per frame per hit cost more than mapping it.
      const frames: SnapshotFrame[] = [];
      for (let i = 0; i < stack.length; i++) {
        const f = originalFrame(stack[i]!);
        frames.push({ function: f.function, file: f.file, line: f.line, column: f.column, locals: i === 0 ? captured.variables.slice(watches.length) : [] });
      }
      const event: SnapshotEvent = {
        kind: 'snapshot',
        timeMs: Date.now(),
        frames,
        watches: captured.variables.slice(0, watches.length),
        truncated: captured.truncated || total > names.length,
      };
      sink.event(id, event);
      if (++taken >= hitLimit) ctx.limitReached(HIT_LIMIT_REASON(taken));
    },
    failed: (reason, during) => {
      failing.fail(`${during === 'condition' ? 'the condition could not be evaluated' : 'the snapshot could not be taken'}: ${reason}; no snapshot is taken while it fails`, during === 'condition' ? 'invalid-expression' : 'runtime-refused');
    },
  };
}
