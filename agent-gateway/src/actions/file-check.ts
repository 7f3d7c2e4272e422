// Before an action is stored, each targeted agent is asked whether it can see
// the file and whether the file it runs is the editor's at the action's line;
// the answers decide who gets the action (chooseRecipients) and, when nobody
// can, make up the reason the client reads.
import { sonde } from '@sonde/protocol';
import { UnavailableError } from '@sonde/rpc';
import type { Bus, ReachableAgent } from '../bus/bus.js';
import { listSome } from './describe.js';

export const FILE_QUERY_TIMEOUT_MS = 2000;

export interface FileAnswer {
  agentId: string;
  sees: boolean;
  why: string;
  /** Its running file is the editor's, byte for byte. */
  sameContent?: boolean;
  lineMatch?: sonde.v1.LineMatch;
  /** For MOVED and DIFFERS, the agent's words (where the probe goes, or what the running line reads). */
  lineReason?: string;
}

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

export function askWhoSees(bus: Bus, targets: readonly ReachableAgent[], query: sonde.v1.IFileQuery, timeoutMs = FILE_QUERY_TIMEOUT_MS): Promise<FileAnswer[]> {
  return Promise.all(targets.map((t) => askOne(bus, t, query, timeoutMs)));
}

const { LineMatch } = sonde.v1;

/**
 * Who gets the action among the agents that see its file: those whose file
 * is the editor's; else those whose running file has the line (where it is
 * or elsewhere); else those that could not compare (not loaded yet, source
 * maps, older agents). None: the reason says what each running line reads.
 */
export function chooseRecipients(answers: readonly FileAnswer[]): { to: FileAnswer[] } | { refused: string } {
  const seeing = answers.filter((a) => a.sees);
  const same = seeing.filter((a) => a.sameContent);
  if (same.length > 0) return { to: same };
  const found = seeing.filter((a) => a.lineMatch === LineMatch.LINE_MATCH_SAME || a.lineMatch === LineMatch.LINE_MATCH_MOVED);
  if (found.length > 0) return { to: found };
  const unknown = seeing.filter((a) => !a.lineMatch);
  if (unknown.length > 0) return { to: unknown };
  return { refused: seeing.map((a) => `${a.agentId}: ${a.lineReason || 'its running file differs'}`).join('; ') };
}

async function askOne(bus: Bus, target: ReachableAgent, query: sonde.v1.IFileQuery, timeoutMs: number): Promise<FileAnswer> {
  const agentId = target.hello.agentId ?? '?';
  const answer = (sees: boolean, why: string) => ({ agentId, sees, why });
  let r: sonde.v1.IFileQueryResult | null | undefined;
  try {
    r = (await bus.ask(target.agentId, { fileQuery: query }, { timeoutMs, what: 'file_query' })).fileQueryResult;
  } catch (err) {
    // Not connected, gone, or silent all read as no answer; an Error reply (RequestError) is quoted.
    if (err instanceof UnavailableError) return answer(false, 'did not answer in time');
    return answer(false, `error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!r) return answer(false, 'did not answer in time');
  if (r.loadedPath) return { ...answer(true, `loaded ${r.loadedPath}`), sameContent: r.sameContent === true, lineMatch: r.lineMatch ?? LineMatch.LINE_MATCH_UNKNOWN, lineReason: r.lineMatchReason ?? '' };
  if (r.existingPath) return answer(true, `not loaded yet: ${r.existingPath}`);
  if (r.candidates?.length) return answer(false, `ambiguous: ${listSome(r.candidates)}; give more of the path`);
  return answer(false, `not under ${(target.hello.roots ?? []).join(', ') || 'its roots'}`);
}
