// Before an action is stored, each targeted agent is asked whether it can see
// the file; the answers decide who gets the action and, when nobody can, make
// up the reason the client reads.
import type { sonde } from '@sonde/protocol';
import { UnavailableError } from '@sonde/rpc';
import type { Bus, ReachableAgent } from '../bus/bus.js';
import { listSome } from './describe.js';

export const FILE_QUERY_TIMEOUT_MS = 2000;

export interface FileAnswer {
  agentId: string;
  sees: boolean;
  why: string;
}

export function askWhoSees(bus: Bus, targets: readonly ReachableAgent[], file: string, timeoutMs = FILE_QUERY_TIMEOUT_MS): Promise<FileAnswer[]> {
  return Promise.all(targets.map((t) => askOne(bus, t, file, timeoutMs)));
}

async function askOne(bus: Bus, target: ReachableAgent, file: string, timeoutMs: number): Promise<FileAnswer> {
  const agentId = target.hello.agentId ?? '?';
  const answer = (sees: boolean, why: string) => ({ agentId, sees, why });
  let r: sonde.v1.IFileQueryResult | null | undefined;
  try {
    r = (await bus.ask(target.agentId, { fileQuery: { path: file } }, { timeoutMs, what: 'file_query' })).fileQueryResult;
  } catch (err) {
    // Not connected, gone, or silent all read as no answer; an Error reply (RequestError) is quoted.
    if (err instanceof UnavailableError) return answer(false, 'did not answer in time');
    return answer(false, `error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!r) return answer(false, 'did not answer in time');
  if (r.loadedPath) return answer(true, `loaded ${r.loadedPath}`);
  if (r.existingPath) return answer(true, `not loaded yet: ${r.existingPath}`);
  if (r.candidates?.length) return answer(false, `ambiguous: ${listSome(r.candidates)}; give more of the path`);
  return answer(false, `not under ${(target.hello.roots ?? []).join(', ') || 'its roots'}`);
}
