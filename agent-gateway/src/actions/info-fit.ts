// An action's info as sent to clients must fit in a frame, whatever the
// number of agents that reported a state for it: past what fits, the states
// are left out of that message (each agent's own state events still reach
// the clients as they happen).
import { encodeEnvelope, MAX_FRAME_BYTES, type sonde } from '@sonde/protocol';

/** A fitted info leaves this much of a frame for the envelope and the list around it. */
const ROOM = MAX_FRAME_BYTES - 4096;

export function fitInfo(info: sonde.v1.IActionInfo, onTrim?: (kept: number, all: number) => void): sonde.v1.IActionInfo {
  const states = info.states ?? [];
  if (encodeEnvelope({ actionInfo: info }).length <= ROOM) return info;
  const base = encodeEnvelope({ actionInfo: { ...info, states: [] } }).length;
  let bytes = base;
  let kept = 0;
  for (const s of states) {
    const cost = encodeEnvelope({ actionInfo: { states: [s] } }).length - encodeEnvelope({ actionInfo: {} }).length;
    if (bytes + cost > ROOM) break;
    bytes += cost;
    kept++;
  }
  onTrim?.(kept, states.length);
  return { ...info, states: states.slice(0, kept) };
}
