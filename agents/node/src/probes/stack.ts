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
  /** An absolute path when the frame is in a file, else the script's name (`node:internal/...`, `evalmachine`), or `<native>` for a built-in (Array.prototype.forEach…). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface CallSite {
  getFunctionName(): string | null;
  getMethodName(): string | null;
  getTypeName(): string | null;
  getFileName(): string | null | undefined;
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

/** A frame with no file: a built-in such as Array.prototype.forEach (V8 gives null), or no script at all. */
const NO_FILE = '<native>';

function pathOf(name: string | null | undefined): string {
  if (typeof name !== 'string') return NO_FILE;
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

/** The call sites at this point, up to `limit` of them (the agent's own among them), read in one synchronous step; [] if V8 gives none. framesOf() reads them. */
export function captureSites(limit: number): readonly CallSite[] {
  const prepare = ErrorCtor.prepareStackTrace;
  const before = ErrorCtor.stackTraceLimit;
  try {
    ErrorCtor.prepareStackTrace = collect;
    ErrorCtor.stackTraceLimit = limit;
    const holder: { stack?: unknown } = {};
    ErrorCtor.captureStackTrace(holder);
    return Array.isArray(holder.stack) ? (holder.stack as CallSite[]) : [];
  } catch {
    return [];
  } finally {
    ErrorCtor.prepareStackTrace = prepare;
    ErrorCtor.stackTraceLimit = before;
  }
}

/** Up to `max` frames of the sites below the agent's own, innermost first. */
export function framesOf(sites: readonly CallSite[], isAgentFile: (path: string) => boolean, max: number): StackFrame[] {
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
