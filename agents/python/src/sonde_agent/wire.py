"""The protocol's messages (generated from protocol/ at build), and what the
probes produced turned into them. The probes queue plain tuples in the
program's threads; these messages are built on the agent's thread.
"""

from __future__ import annotations

from ._proto.sonde.v1 import action_pb2, common_pb2, envelope_pb2, event_pb2
from .probes.capture import Variable

Envelope = envelope_pb2.Envelope

STATES = {
    "active": action_pb2.ACTION_STATE_KIND_ACTIVE, "pending": action_pb2.ACTION_STATE_KIND_PENDING, "error": action_pb2.ACTION_STATE_KIND_ERROR,
    "paused": action_pb2.ACTION_STATE_KIND_PAUSED_QUOTA, "hit-limit": action_pb2.ACTION_STATE_KIND_HIT_LIMIT_REACHED,
}
INSTALLED = "installed: a call to the probe at the line, in the function's bytecode"


def reason_code(code: str) -> int:
    return action_pb2.ReasonCode.Value("REASON_CODE_" + code.upper().replace("-", "_")) if code else action_pb2.REASON_CODE_UNSPECIFIED


def variable(v: Variable) -> event_pb2.Variable:
    return event_pb2.Variable(name=v.name, type=v.type, value=v.value, children=[variable(c) for c in v.children], truncated=v.truncated, left=v.left)


def event(item: tuple, agent_id: str) -> event_pb2.Event:
    """A queued item as its Event: ("log", id, time, text), ("snapshot", id, time, frames, watches, truncated) or ("state", id, time, state, code, message)."""
    kind, action_id, at = item[0], item[1], int(item[2] * 1000)
    if kind == "log":
        return event_pb2.Event(log=event_pb2.LogLine(action_id=action_id, agent_id=agent_id, time_ms=at, text=item[3]))
    if kind == "snapshot":
        _, _, _, frames, watches, truncated = item
        stack = [event_pb2.StackFrame(function=fn, location=common_pb2.Location(file=file, line=line), locals=[variable(v) for v in variables]) for fn, file, line, variables in frames]
        return event_pb2.Event(snapshot=event_pb2.Snapshot(action_id=action_id, agent_id=agent_id, time_ms=at, frames=stack, watches=[variable(w) for w in watches], truncated=truncated))
    _, _, _, state, code, message = item
    reason, code_value = (message, reason_code(code)) if state != "active" or code else (INSTALLED, action_pb2.REASON_CODE_INSTALLED)
    return event_pb2.Event(state=action_pb2.ActionState(action_id=action_id, agent_id=agent_id, state=STATES[state], reason=reason, reason_code=code_value, time_ms=at))


__all__ = ["Envelope", "event", "reason_code", "variable", "STATES"]
