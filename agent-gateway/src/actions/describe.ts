// The texts the action lifecycle writes: an action in one line (for the
// audit log), why no agent is targeted, and a long list cut short.
import { sonde } from '@sonde/protocol';
import type { ReachableAgent } from '../bus/bus.js';
import { runtimeOfFile } from './targeting.js';

export function describeAction(a: sonde.v1.Action): string {
  return `${sonde.v1.ActionKind[a.kind]} ${a.location?.file}:${a.location?.line}${a.format ? ` "${a.format}"` : ''}${a.condition ? ` if ${a.condition}` : ''}`;
}

/** Why none of the agents is targeted by the action, naming them all. */
export function describeNoTarget(action: sonde.v1.Action, connected: readonly ReachableAgent[]): string {
  if (connected.length === 0) return 'no agent is connected to this gateway; start the service with the Sonde agent';
  const runtime = runtimeOfFile(action.location?.file ?? '');
  const list = connected.map(({ hello }) => `${hello.agentId} (app ${hello.appName || '-'}, ${sonde.v1.Runtime[hello.runtime ?? 0]}, tags ${(hello.tags ?? []).join(',') || '-'})`).join('; ');
  const runtimeNote = runtime !== undefined ? `, runtime ${sonde.v1.Runtime[runtime]} for this file` : '';
  return `none of the connected agents matches the target (${JSON.stringify(sonde.v1.Target.toObject(sonde.v1.Target.create(action.target ?? {})))}${runtimeNote}); connected: ${list}`;
}

export function listSome(paths: readonly string[], max = 10): string {
  const shown = paths.slice(0, max).join(', ');
  return paths.length > max ? `${shown} and ${paths.length - max} more` : shown;
}
