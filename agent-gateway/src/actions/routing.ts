// Which agents an action goes to, decided as their answers to the file query
// arrive: the agents that run the editor's content; else those whose running
// file has the line; else those that could not compare (sources without
// sourcesContent, older agents); among them, those of the editor's project
// when any is. An explicit target takes every agent it names that sees the
// file (each agent's own line check then moves or refuses the probe). An
// agent that answers after the choice, or connects later, gets the action
// when its answer is as good as the chosen ones'. In a process whose worker
// thread runs the file, the threads that have not loaded it do not get it
// (they would wait for it forever).
import { sonde } from '@sonde/protocol';

const { LineMatch } = sonde.v1;

export interface FileAnswer {
  agentId: string;
  /** The agent's app name (Hello.app_name). */
  appName?: string;
  /** Host and pid (file-check.ts processOf): the agents of one process's threads share it. */
  process?: string;
  /** Whether the file runs there already; false: it is on disk, not loaded yet. */
  loaded?: boolean;
  sees: boolean;
  why: string;
  /** Its running file is the editor's, byte for byte. */
  sameContent?: boolean;
  lineMatch?: sonde.v1.LineMatch;
  /** For MOVED and DIFFERS, the agent's words (where the probe goes, or what the running line reads). */
  lineReason?: string;
}

/** How well an agent's file fits the editor's: the same content, the line found, could not compare, only seen (explicit targets). */
export enum Fit { SameContent = 0, LineFound = 1, NotCompared = 2, Seen = 3 }

/** The rule an action was sent by: how good a fit its recipients had, and the app they were narrowed to. */
export interface Route {
  fit: Fit;
  app?: string;
}

export function fitOf(a: FileAnswer): Fit | undefined {
  if (!a.sees) return undefined;
  if (a.sameContent) return Fit.SameContent;
  if (a.lineMatch === LineMatch.LINE_MATCH_SAME || a.lineMatch === LineMatch.LINE_MATCH_MOVED) return Fit.LineFound;
  if (!a.lineMatch) return Fit.NotCompared;
  return Fit.Seen;
}

/** Whether an answer fits the route an action was sent by. */
export function admits(route: Route, a: FileAnswer): boolean {
  const fit = fitOf(a);
  return fit !== undefined && fit <= route.fit && (route.app === undefined || a.appName === route.app);
}

export type Decision =
  | { route: Route; to: FileAnswer[] }
  /** Some agent sees the file, none runs the editor's line: what each running line reads. */
  | { refused: string }
  /** No agent sees the file: why, per agent. */
  | { unseen: string };

/** The choice among the answers in: the best fit any has, narrowed to the project's app when one of those is. */
export function decide(answers: readonly FileAnswer[], project: string, explicit = false): Decision {
  const seeing = answers.filter((a) => a.sees);
  if (seeing.length === 0) return { unseen: answers.map((a) => `${a.agentId}: ${a.why}`).join('; ') };
  const fits = seeing.map(fitOf).filter((f): f is Fit => f !== undefined);
  const best = explicit ? Fit.Seen : Math.min(...fits.filter((f) => f !== Fit.Seen));
  if (!Number.isFinite(best)) return { refused: seeing.map((a) => `${a.agentId}: ${a.lineReason || 'its running file differs'}`).join('; ') };
  const route: Route = { fit: best as Fit };
  if (!explicit && project !== '' && seeing.some((a) => admits({ ...route, app: project }, a))) route.app = project;
  const to = seeing.filter((a) => admits(route, a));
  const running = runningIn(to);
  return { route, to: to.filter((a) => !idleThread(a, running)) };
}

/** The processes where one of these agents has the file loaded. */
export function runningIn(answers: Iterable<FileAnswer>): Set<string> {
  const out = new Set<string>();
  for (const a of answers) if (a.loaded && a.process) out.add(a.process);
  return out;
}

/** An agent that has not loaded the file, in a process where another thread's agent runs it. */
export function idleThread(a: FileAnswer, running: ReadonlySet<string>): boolean {
  return a.loaded === false && a.process !== undefined && running.has(a.process);
}

/**
 * One action's answers as they come: decides at once on an answer with the
 * editor's content (of the project, when there is one), when every agent has
 * answered, or at a deadline; after that, admits each late answer that fits.
 */
export class Routing {
  private readonly answers: FileAnswer[] = [];
  private decided: Decision | undefined;
  private resolve!: (d: Decision) => void;
  private late: ((agentId: string) => void) | undefined;
  private readonly lateIds: string[] = [];
  /** Processes where a chosen agent runs the file. */
  private running = new Set<string>();
  readonly decision = new Promise<Decision>((r) => (this.resolve = r));

  /** `expected`: the ids of the agents asked. */
  constructor(
    private readonly expected: readonly string[],
    private readonly project: string,
    private readonly explicit = false,
  ) {
    if (expected.length === 0) this.settle();
  }

  answer(a: FileAnswer): void {
    if (this.decided !== undefined) {
      if ('route' in this.decided && admits(this.decided.route, a) && !idleThread(a, this.running)) {
        if (a.loaded && a.process) this.running.add(a.process);
        this.admitLate(a.agentId);
      }
      return;
    }
    this.answers.push(a);
    const ofProject = this.project === '' || a.appName === this.project;
    // Only an agent that runs the file settles at once: another thread of its process may be the one that runs it.
    if (!this.explicit && fitOf(a) === Fit.SameContent && a.loaded !== false && ofProject) this.settle();
    else if (this.answers.length === this.expected.length) this.settle();
  }

  /** The first deadline decides when some answer fits; the last decides whatever came in. */
  deadline(last: boolean): void {
    if (this.decided !== undefined) return;
    if (last || 'route' in decide(this.answers, this.project, this.explicit)) this.settle();
  }

  /** Where late admissions go; those that came before it was set are replayed. */
  followLate(send: (agentId: string) => void): void {
    this.late = send;
    for (const id of this.lateIds.splice(0)) send(id);
  }

  private admitLate(agentId: string): void {
    if (this.late) this.late(agentId);
    else this.lateIds.push(agentId);
  }

  private settle(): void {
    const answered = new Set(this.answers.map((a) => a.agentId));
    const silent = this.expected.filter((id) => !answered.has(id)).map((agentId): FileAnswer => ({ agentId, sees: false, why: 'did not answer in time' }));
    this.decided = decide([...this.answers, ...silent], this.project, this.explicit);
    if ('route' in this.decided) this.running = runningIn(this.decided.to);
    this.resolve(this.decided);
  }
}
