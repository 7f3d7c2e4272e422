// The stack at a hit, as frames (function, file, line, column), read through
// V8's structured call sites. Reading `new Error().stack` would run the
// program's own Error.prepareStackTrace (source-map-support installs one), so
// ours is put in place for the one synchronous read and the program's is
// restored at once; so is Error.stackTraceLimit. Frames of the agent's own
// code (the hook the probe calls, the snapshot handler, a breakpoint's
// condition) are left out.

import { fileURLToPath } from 'node:url';

export interface StackFrame {
  function: string;
  /** An absolute path when the frame is in a file, else the script's name (`node:internal/...`, `evalmachine`). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

interface CallSite {
  getFunctionName(): string | null;
  getMethodName(): string | null;
  getTypeName(): string | null;
  getFileName(): string | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  isEval(): boolean;
}

type Prepare = (error: Error, sites: CallSite[]) => unknown;
const ErrorCtor = Error as unknown as { prepareStackTrace?: Prepare; stackTraceLimit: number; captureStackTrace(o: object): void };
const collect: Prepare = (_e, sites) => sites;

/** File URLs (ES modules) already turned into paths: a URL parse per frame per hit cost more than the rest of the frame. */
const PATHS = new Map<string, string>();
const MAX_PATHS = 1_000;

function pathOf(name: string | undefined): string {
  if (name === undefined) return '<anonymous>';
  if (!name.startsWith('file:')) return name;
  let path = PATHS.get(name);
  if (path !== undefined) return path;
  try {
    path = fileURLToPath(name);
  } catch {
    path = name;
  }
  if (PATHS.size >= MAX_PATHS) PATHS.clear();
  PATHS.set(name, path);
  return path;
}

/** Up to `max` frames below the agent's own, innermost first; [] if V8 gives none. */
export function captureStack(isAgentFile: (path: string) => boolean, max = 20): StackFrame[] {
  const prepare = ErrorCtor.prepareStackTrace;
  const limit = ErrorCtor.stackTraceLimit;
  let sites: CallSite[] = [];
  try {
    ErrorCtor.prepareStackTrace = collect;
    ErrorCtor.stackTraceLimit = max + 10;
    const holder: { stack?: unknown } = {};
    ErrorCtor.captureStackTrace(holder);
    sites = Array.isArray(holder.stack) ? (holder.stack as CallSite[]) : [];
  } catch {
    sites = [];
  } finally {
    ErrorCtor.prepareStackTrace = prepare;
    ErrorCtor.stackTraceLimit = limit;
  }
  const frames: StackFrame[] = [];
  for (const site of sites) {
    const file = pathOf(site.getFileName());
    if (isAgentFile(file)) continue;
    // A probe served by a breakpoint runs in V8's evaluation of its condition: that frame is ours, not the program's.
    if (frames.length === 0 && site.isEval()) continue;
    const type = site.getTypeName();
    const fn = site.getFunctionName() ?? site.getMethodName();
    frames.push({
      function: fn ? (type && type !== 'Object' && !fn.includes('.') ? `${type}.${fn}` : fn) : '<anonymous>',
      file,
      line: site.getLineNumber() ?? 0,
      column: site.getColumnNumber() ?? 0,
    });
    if (frames.length >= max) break;
  }
  return frames;
}
