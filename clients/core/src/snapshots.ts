// The latest snapshot of each action, per agent, kept for hovers, inlay hints
// and sonde.showSnapshot: a snapshot is one moment, and the newest one is what
// the engineer asked for. Bounded: a few agents per action, a cap on actions
// (the oldest goes first), and snapshots of removed actions go with them.
import { int64, type sonde } from '@sonde/protocol';
import type { GatewayEvent } from './gateway-client.js';

export interface SnapshotVariable {
  name: string;
  type: string;
  value: string;
  children: SnapshotVariable[];
  truncated: boolean;
  /** When truncated: how much was left out (characters, or fields and items); 0 when unknown. */
  left: number;
}

export interface SnapshotFrame {
  function: string;
  file: string;
  /** 1-based, as the protocol has it; 0 when unknown. */
  line: number;
  locals: SnapshotVariable[];
}

export interface CapturedSnapshot {
  actionId: string;
  agentId: string;
  timeMs: number;
  frames: SnapshotFrame[];
  watches: SnapshotVariable[];
  truncated: boolean;
}

export const SNAPSHOT_AGENTS_PER_ACTION = 8;
export const SNAPSHOT_ACTIONS = 200;

// A hostile or buggy agent must not make the client hold an unbounded tree.
const MAX_DEPTH = 8;
const MAX_NODES = 5000;

function variable(v: sonde.v1.IVariable, depth: number, budget: { nodes: number }): SnapshotVariable {
  budget.nodes--;
  const kids = v.children ?? [];
  const children: SnapshotVariable[] = [];
  let cut = 0;
  for (const child of kids) {
    if (depth >= MAX_DEPTH || budget.nodes <= 0) {
      cut = kids.length - children.length;
      break;
    }
    children.push(variable(child, depth + 1, budget));
  }
  return {
    name: v.name ?? '',
    type: v.type ?? '',
    value: v.value ?? '',
    children,
    truncated: v.truncated === true || cut > 0,
    left: (v.left ?? 0) + cut,
  };
}

export function snapshotOf(s: sonde.v1.ISnapshot): CapturedSnapshot {
  const budget = { nodes: MAX_NODES };
  return {
    actionId: s.actionId ?? '',
    agentId: s.agentId ?? '',
    timeMs: int64(s.timeMs),
    frames: (s.frames ?? []).map((f) => ({
      function: f.function ?? '',
      file: f.location?.file ?? '',
      line: f.location?.line ?? 0,
      locals: (f.locals ?? []).map((v) => variable(v, 0, budget)),
    })),
    watches: (s.watches ?? []).map((v) => variable(v, 0, budget)),
    truncated: s.truncated === true,
  };
}

export class SnapshotStore {
  // Map order is insertion order: re-inserting on every snapshot keeps the least recent first.
  private readonly byAction = new Map<string, Map<string, CapturedSnapshot>>();

  /** Keeps the snapshots among `events`; returns the ids of the actions that got one. */
  addEvents(events: readonly GatewayEvent[]): string[] {
    const got = new Set<string>();
    for (const event of events) {
      const s = event.snapshot;
      if (!s?.actionId) continue;
      this.add(snapshotOf(s));
      got.add(s.actionId);
    }
    return [...got];
  }

  add(snapshot: CapturedSnapshot): void {
    const perAgent = this.byAction.get(snapshot.actionId) ?? new Map<string, CapturedSnapshot>();
    this.byAction.delete(snapshot.actionId);
    this.byAction.set(snapshot.actionId, perAgent);
    perAgent.delete(snapshot.agentId);
    perAgent.set(snapshot.agentId, snapshot);
    if (perAgent.size > SNAPSHOT_AGENTS_PER_ACTION) perAgent.delete(perAgent.keys().next().value!);
    if (this.byAction.size > SNAPSHOT_ACTIONS) this.byAction.delete(this.byAction.keys().next().value!);
  }

  /** The latest snapshot of each agent, newest first. */
  of(actionId: string): CapturedSnapshot[] {
    return [...(this.byAction.get(actionId)?.values() ?? [])].sort((a, b) => b.timeMs - a.timeMs);
  }

  /** The newest snapshot over all agents. */
  latest(actionId: string): CapturedSnapshot | undefined {
    return this.of(actionId)[0];
  }

  drop(actionId: string): void {
    this.byAction.delete(actionId);
  }
}
