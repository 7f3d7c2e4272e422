// The engine's public vocabulary. Nothing here knows about the wire protocol:
// the agent's connection layer translates these into protocol messages.

import type { QuotaOptions } from './quota.js';

/** One log probe: where it goes and what it prints. */
export interface ProbeSpec {
  /** The action id the gateway assigned. */
  id: string;
  /** Path relative to the user's workspace, forward slashes, e.g. "src/app.ts". */
  file: string;
  /** 1-based line. */
  line: number;
  /** Log format, e.g. "Hello {name}, cart {cart.items.length}"; {{ and }} are literal braces. */
  format: string;
  /** JavaScript condition; empty means always. */
  condition: string;
}

export type ProbeStateKind = 'active' | 'pending' | 'error' | 'paused';

/** Where the engine reports; implemented by the agent's connection layer. */
export interface ProbeSink {
  /** reason: for 'error', what went wrong and what to do; for 'active', how the probe is installed. */
  state(actionId: string, state: ProbeStateKind, reason: string): void;
  /** One formatted line per hit. Called on the host's own thread, inside the probed function. */
  log(actionId: string, text: string, timeMs: number): void;
  /** Absolute paths of scripts loaded since the last call; batched, never called during module loading. */
  filesLoaded(paths: string[]): void;
}

/** What this process can say about a workspace-relative path. */
export interface FileQueryAnswer {
  /** The loaded script the path maps to. */
  loadedPath?: string;
  /** Not loaded, but this file exists under the roots. */
  existingPath?: string;
  /** Several files match equally well: the path is ambiguous. */
  candidates?: string[];
}

export interface ProbeManagerOptions {
  /** Folders under which the app's files live; default [process.cwd(), dirname(process.argv[1])]. */
  roots?: string[];
  /** Log budgets; over budget a probe reports 'paused' and resumes by itself. */
  quota?: QuotaOptions;
}
