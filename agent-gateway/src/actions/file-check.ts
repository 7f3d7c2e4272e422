// Each targeted agent is asked whether it can see an action's file and
// whether the file it runs is the editor's at the action's line; the answers
// decide who gets the action (routing.ts) and, when nobody can, make up the
// reason the client reads.
import { sonde } from '@sonde/protocol';
import { UnavailableError } from '@sonde/rpc';
import type { Bus, ReachableAgent } from '../bus/bus.js';
import { listSome } from './describe.js';
import type { FileAnswer } from './routing.js';

const { LineMatch } = sonde.v1;

/** Answers by then decide, when one fits; later ones still join (routing.ts). */
export const FILE_QUERY_TIMEOUT_MS = 2000;
/** With no fitting answer by the first deadline, the choice waits for silent agents up to this (under a client's 10 s). */
export const FILE_QUERY_LAST_MS = 6000;
/** An agent that answers later than this is not waited for. */
export const FILE_QUERY_LATE_MS = 30_000;

/** The question for an action: its file, and its place as the editor has it. */
export function fileQueryOf(action: sonde.v1.IAction): sonde.v1.IFileQuery {
  return {
    path: action.location?.file ?? '',
    editorContentHash: action.editorContentHash ?? '',
    line: action.location?.line ?? 0,
    lineText: action.lineText ?? '',
    linesBefore: action.linesBefore ?? [],
    linesAfter: action.linesAfter ?? [],
  };
}

/** Which process an agent runs in: a worker thread's agent shares its process with the main thread's. */
export function processOf(hello: sonde.v1.IHello): string {
  return `${hello.host ?? ''}/${hello.pid ?? 0}`;
}

/** Two queries with the same key get the same answer: the line counts only when the editor's line text came with it. */
export function queryKey(q: sonde.v1.IFileQuery): string {
  const hasLine = !!q.lineText || (q.linesBefore?.length ?? 0) > 0 || (q.linesAfter?.length ?? 0) > 0;
  return JSON.stringify([q.path, q.editorContentHash, hasLine ? [q.line, q.lineText, q.linesBefore, q.linesAfter] : null]);
}

export async function askOne(bus: Bus, target: ReachableAgent, query: sonde.v1.IFileQuery, timeoutMs: number): Promise<FileAnswer> {
  const agentId = target.hello.agentId ?? '?';
  const answer = (sees: boolean, why: string): FileAnswer => ({ agentId, appName: target.hello.appName ?? '', process: processOf(target.hello), sees, why });
  let r: sonde.v1.IFileQueryResult | null | undefined;
  try {
    r = (await bus.ask(target.agentId, { fileQuery: query }, { timeoutMs, what: 'file_query' })).fileQueryResult;
  } catch (err) {
    // Not connected, gone, or silent all read as no answer; an Error reply (RequestError) is quoted.
    if (err instanceof UnavailableError) return answer(false, 'did not answer in time');
    return answer(false, `error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!r) return answer(false, 'did not answer in time');
  // A file not loaded yet is compared as it is on disk (what will run), by agents that can.
  const compared = { sameContent: r.sameContent === true, lineMatch: r.lineMatch ?? LineMatch.LINE_MATCH_UNKNOWN, lineReason: r.lineMatchReason ?? '' };
  if (r.loadedPath) return { ...answer(true, `loaded ${r.loadedPath}`), ...compared, loaded: true };
  if (r.existingPath) return { ...answer(true, `not loaded yet: ${r.existingPath}`), ...compared, loaded: false };
  if (r.candidates?.length) return answer(false, `ambiguous: ${listSome(r.candidates)}; give more of the path`);
  return answer(false, `not under ${(target.hello.roots ?? []).join(', ') || 'its roots'}`);
}
