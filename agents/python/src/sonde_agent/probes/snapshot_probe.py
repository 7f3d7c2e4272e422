"""A snapshot action's probe: the frame's locals, the watches and the stack, as bounded trees."""

from __future__ import annotations

from .capture import Capture, Limits
from .marker import Marker
from .probe import Probe, Sink, _compile
from .quota import ProbeQuota
from .redaction import Redaction
from .values import render

MAX_FRAMES = 20
MAX_LOCALS = 100


def hit_limit_reason(n: int) -> str:
    return f"hit limit reached: {n} snapshot{'' if n == 1 else 's'} taken; add the snapshot again for more"


class SnapshotProbe(Probe):
    """The frame's locals, the watches and the stack, at most ``hit_limit`` times (0 means 1), then silent, saying so."""

    kind = "snapshot"
    needs_frame = True

    def __init__(self, action_id: str, watches: list[str], condition: str, quota: "ProbeQuota | None", sink: Sink, limits: Limits = Limits(), hit_limit: int = 0, redaction: "Redaction | None" = None) -> None:
        super().__init__(action_id, condition, quota, sink)
        self.limits = limits
        self.redaction = redaction or Redaction()
        self.hit_limit = hit_limit if hit_limit > 0 else 1
        self.taken = 0
        self.watches = [(w, _compile(w, f"expression {i} ({w})")) for i, w in enumerate(watches, 1) if w.strip()]

    def produce(self, frame, local: dict, globals_: dict) -> None:
        cap = Capture(self.limits, self.redaction)
        watches = []
        for source, evaluate in self.watches:
            try:
                value: object = evaluate(local, globals_)
            except Exception as err:  # noqa: BLE001 - a watch that fails reads as why
                value = Marker(f"<{type(err).__name__}: {err}>")
            watches.append(cap.variable(source, value))
        frames = []
        f = frame
        while f is not None and len(frames) < MAX_FRAMES:
            code = f.f_code
            variables = []
            if not frames:
                for n, (k, v) in enumerate(dict.items(local)):
                    if n >= MAX_LOCALS:
                        cap.cut = True
                        break
                    variables.append(cap.variable(k if type(k) is str else render(k), v))
            frames.append((code.co_qualname, code.co_filename, f.f_lineno, variables))
            f = f.f_back
        self.sink.snapshot(self.action_id, frames, watches, cap.cut)
        self.taken += 1
        if self.taken >= self.hit_limit:
            self.enabled = False
            self.sink.state(self.action_id, "hit-limit", "hit-limit", hit_limit_reason(self.taken))
