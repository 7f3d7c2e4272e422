// The state each connected agent reported for each action. Held in memory:
// agents report again when they reconnect.
import { sonde } from '@sonde/protocol';

type State = sonde.v1.IActionState;

export class ActionStates {
  private readonly byAction = new Map<string, Map<string, State>>();

  set(state: State): void {
    const id = state.actionId ?? '';
    let perAgent = this.byAction.get(id);
    if (!perAgent) this.byAction.set(id, (perAgent = new Map()));
    perAgent.set(state.agentId ?? '', state);
  }

  of(actionId: string): State[] {
    return [...(this.byAction.get(actionId)?.values() ?? [])];
  }

  dropAction(actionId: string): void {
    this.byAction.delete(actionId);
  }

  /** Forgets what an agent reported; returns the ids of the actions it had a state for. */
  dropAgent(agentId: string): string[] {
    const touched: string[] = [];
    for (const [actionId, perAgent] of this.byAction) {
      if (perAgent.delete(agentId)) touched.push(actionId);
    }
    return touched;
  }
}
