// Whether a spec may become a probe: a kind this engine runs, an engine
// that can install, a file and a line, the kind's own fields, and code that
// compiles. Nothing unsafe is ever installed. Each refusal carries its code.
// The checks before compiling are cheap (said at once); compiling is spread
// across turns of the event loop with the rest of the install work.

import { kindNamed, SUPPORTED_KINDS } from './kinds/index.js';
import type { KindProbe, ProbeKind } from './kinds/kind.js';
import { refused, type Refusal } from './placement.js';
import type { AnySpec, ProbeSpec } from './types.js';

export interface EngineStatus {
  started: boolean;
  stopped: boolean;
  startError: string | undefined;
  /** Who runs the engine, as refusals of unsupported kinds name it. */
  agentName: string;
}

export type Admission = { kind: 'admitted'; spec: ProbeSpec; probe: KindProbe } | Refusal;
export type Precheck = { kind: 'checked'; spec: ProbeSpec; probeKind: ProbeKind } | Refusal;

/** Everything but compiling, which costs most: cheap enough to say at once, as upsert() does. */
export function precheck(spec: AnySpec, status: EngineStatus): Precheck {
  const kind = kindNamed(spec.kind);
  if (kind === undefined) return refused('unsupported-kind', `${String(spec.kind)} is not supported by ${status.agentName} yet; only ${SUPPORTED_KINDS} are`);
  if (status.stopped) return refused('agent-unavailable', 'the probe engine was stopped; start a new one to install probes');
  if (!status.started) return refused('agent-unavailable', 'the probe engine was not started: call start() before upsert()');
  if (status.startError !== undefined) return refused('agent-unavailable', status.startError);
  if (typeof spec.file !== 'string' || spec.file.trim() === '') return refused('invalid-action', 'the probe has no file: give a path relative to the workspace');
  if (!Number.isInteger(spec.line) || spec.line < 1) return refused('invalid-action', `line ${String(spec.line)} is not a line number: lines start at 1`);
  const probeSpec = spec as ProbeSpec; // its kind is known: kindNamed found it
  const own = kind.check(probeSpec);
  if (own !== undefined) return refused('invalid-action', own);
  return { kind: 'checked', spec: probeSpec, probeKind: kind };
}

export function admit(spec: AnySpec, status: EngineStatus): Admission {
  const checked = precheck(spec, status);
  if (checked.kind === 'refused') return checked;
  const compiled = checked.probeKind.compile(checked.spec);
  if (!compiled.ok) return refused(compiled.code, `${compiled.error}; nothing was installed`);
  return { kind: 'admitted', spec: { ...checked.spec }, probe: compiled.probe };
}
