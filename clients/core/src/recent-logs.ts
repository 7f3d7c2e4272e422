// The last few log lines of each action, kept for hovers: at 3 a.m. the
// line's recent values are what the engineer came to the editor for.
// Bounded per action; lines of removed actions go with them.

export interface RecentLine {
  timeMs: number;
  agentId: string;
  text: string;
}

export const LINES_PER_ACTION = 10;

export class RecentLogs {
  private readonly byAction = new Map<string, RecentLine[]>();

  add(actionId: string, line: RecentLine): void {
    let lines = this.byAction.get(actionId);
    if (!lines) this.byAction.set(actionId, (lines = []));
    lines.push(line);
    if (lines.length > LINES_PER_ACTION) lines.shift();
  }

  of(actionId: string): readonly RecentLine[] {
    return this.byAction.get(actionId) ?? [];
  }

  drop(actionId: string): void {
    this.byAction.delete(actionId);
  }
}
