"""What every probe does at a probed line, in the program's thread (each kind's module adds what it makes).

Each hit reads the frame above the probe, checks the condition, takes a
token from the quota, and hands what it made to the engine's sink, which
must not block. Nothing raises into the program: a failure is reported once
and the hit is skipped while it lasts; a quota pause and its end are states.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol

from .capture import Variable
from .evaluate import Evaluator, compile_expression, names_read
from .expressions import ExpressionError
from .marker import Marker
from .quota import ProbeQuota
from .safe_ops import truth

_getframe = sys._getframe
_monotonic = time.monotonic


class ProbeRefused(ValueError):
    """The action cannot become a probe; the message is the state's text, the code its reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class Sink(Protocol):
    def line(self, action_id: str, text: str) -> None: ...
    def snapshot(self, action_id: str, frames: list[tuple[str, str, int, list[Variable]]], watches: list[Variable], truncated: bool) -> None: ...
    def state(self, action_id: str, state: str, code: str, message: str) -> None: ...


def _compile(source: str, what: str, offset: int = 0, whole: str | None = None) -> Evaluator:
    try:
        return compile_expression(source, offset, whole)
    except ExpressionError as err:
        raise ProbeRefused(err.code, f"{what}: {err}; nothing was installed") from None


class Probe:
    kind = ""

    def __init__(self, action_id: str, condition: str, quota: "ProbeQuota | None", sink: Sink) -> None:
        self.action_id = action_id
        self.enabled = True
        self.hits = 0
        self.suppressed = 0
        self.sink = sink
        self.quota = quota
        self._failing = False
        self.condition_source = condition.strip()
        self.condition = _compile(condition, "condition") if self.condition_source else None
        self.names = names_read(condition) if self.condition_source else frozenset()

    #: The names the probe's expressions read (its fast path passes them when they are all arguments).
    names: frozenset[str] = frozenset()
    #: Whether the probe needs the frame itself (a snapshot reads the stack).
    needs_frame = False
    #: A second line in the same function where the probe's ``toc`` goes (a tic-toc's span), or 0.
    end_line = 0
    #: Whether the probe is the whole function that starts at its line (``hit`` as the body starts, ``toc`` as it ends).
    whole_function = False

    def hit(self) -> None:
        """Called by the code at the probed line; reads the frame above. Never raises."""
        if not self.enabled:
            return
        frame = _getframe(1)
        try:
            self.run(frame.f_locals, frame.f_globals, frame)
        finally:
            del frame

    def args_hit(self, names: tuple[str, ...], globals_: dict):
        """The entry for code that passes the values of ``names`` (arguments of its function): no frame object is made,
        and the expressions read the values by position."""
        condition = compile_expression(self.condition_source, positional=names) if self.condition is not None else None
        produce = self.positional_produce(names)
        run = self._run

        def hit(*values: object) -> None:
            if self.enabled:
                run(condition, values, globals_, None, produce)

        return hit

    def positional_produce(self, names: tuple[str, ...]):
        """``produce`` for expressions compiled to read ``names`` by position."""
        return self.produce

    def run(self, local: dict, globals_: dict, frame) -> None:
        self._run(self.condition, local, globals_, frame, self.produce)

    def _run(self, condition, local, globals_: dict, frame, produce) -> None:
        if condition is not None:
            try:
                ok = truth(condition(local, globals_))
            except Exception as err:  # noqa: BLE001 - nothing the probe does may reach the program
                return self._fail("invalid-expression", f"the condition could not be evaluated: {type(err).__name__}: {err}; no line is logged while it fails")
            if type(ok) is Marker or not ok:
                return
        self.hits += 1
        if self.quota is not None and not self._admit():
            return
        try:
            produce(frame, local, globals_)
        except Exception as err:  # noqa: BLE001
            return self._fail("runtime-refused", f"the line could not be formatted: {type(err).__name__}: {err}; no line is logged while it fails")
        if self._failing:
            self._recovered()

    def _admit(self) -> bool:
        """A token from the quota; pausing and resuming are states the editor sees."""
        quota = self.quota
        assert quota is not None
        was_paused = quota.paused
        if not quota.admit(_monotonic()):
            self.suppressed += 1
            if not was_paused:
                self.sink.state(self.action_id, "paused", "quota", quota.reason)
            return False
        if was_paused:
            self.sink.state(self.action_id, "active", "", "")
        return True

    def _recovered(self) -> None:
        self._failing = False
        self.sink.state(self.action_id, "active", "", "")

    def produce(self, frame, local: dict, globals_: dict) -> None:
        raise NotImplementedError

    def _fail(self, code: str, message: str) -> None:
        if not self._failing:
            self._failing = True
            self.sink.state(self.action_id, "error", code, message)
