"""The probes: what runs at a probed line, in the program's thread.

Each hit reads the frame above the probe, checks the condition, takes a
token from the quota, and hands what it made to the engine's sink, which
must not block. Nothing raises into the program: a failure is reported once
and the hit is skipped while it lasts; a quota pause and its end are states.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol

from .capture import Capture, Limits, Variable
from .evaluate import Evaluator, compile_expression, name, names_read
from .expressions import ExpressionError
from .format import Expr, FormatError, Text, split
from ddsketch import DDSketch

from .libraries import numpy_scalar
from .marker import Marker
from .quota import ProbeQuota
from .redaction import REDACTED, Redaction
from .safe_ops import truth
from .values import render

_getframe = sys._getframe
#: Integers below this have at most 11 digits: fewer than any default pattern (a card number's 12) can match.
_SMALL_INT = 10**11
_monotonic = time.monotonic
MAX_FRAMES = 20
MAX_LOCALS = 100


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


class LogProbe(Probe):
    kind = "log"

    def __init__(self, action_id: str, fmt: str, condition: str, quota: "ProbeQuota | None", sink: Sink, redaction: "Redaction | None" = None) -> None:
        super().__init__(action_id, condition, quota, sink)
        self.redaction = redaction or Redaction()
        try:
            parts = split(fmt)
        except FormatError as err:
            raise ProbeRefused(err.code, f"format: {err}; nothing was installed") from None
        self.literals = [""]
        self.values: list[Evaluator] = []
        #: Each expression's name when it is a bare name (the commonest format: `name={name}`), else None.
        self.bare: list[str | None] = []
        self.sources: list[str] = []
        self._hidden_for = -1
        self._hidden_cache: list[bool] = []
        for part in parts:
            if isinstance(part, Text):
                self.literals[-1] += part.text
            else:
                assert isinstance(part, Expr)
                self.values.append(_compile(part.source, "format", part.column - 1, fmt))
                self.names |= names_read(part.source)
                self.bare.append(part.source if part.source.isidentifier() else None)
                self.sources.append(part.source)
                self.literals.append("")

    def _hidden(self) -> list[bool]:
        """Which values read as [redacted] by their name (user.password), for the redaction in force."""
        red = self.redaction
        if self._hidden_for != red.version:
            self._hidden_cache = [red.sensitive_name(source) for source in self.sources]
            self._hidden_for = red.version
        return self._hidden_cache

    def _text(self, i: int, value: object) -> str:
        return REDACTED if self._hidden()[i] else self.redaction.redact_value(render(value))

    def args_hit(self, names: tuple[str, ...], globals_: dict):
        """For a format of bare names and no condition: the line straight from the values the code passes (no dict, no evaluator)."""
        if self.condition is not None or None in self.bare:
            return super().args_hit(names, globals_)
        index = {n: k for k, n in enumerate(names)}
        plan = [(index.get(b, b), lit) for b, lit in zip(self.bare, self.literals[1:])]  # an argument's index, or a global's name
        first, action_id, line = self.literals[0], self.action_id, self.sink.line

        red = self.redaction

        def hit(*values: object) -> None:
            if not self.enabled:
                return
            self.hits += 1
            if self.quota is not None and not self._admit():
                return
            try:
                hidden = self._hidden()
                text = first
                i = 0
                for key, lit in plan:
                    value = values[key] if type(key) is int else name({}, globals_, key)  # type: ignore[index,arg-type]
                    if hidden[i]:
                        shown = REDACTED
                    elif type(value) is int and -_SMALL_INT < value < _SMALL_INT and red.numbers_safe_below:  # type: ignore[operator]
                        shown = str(value)  # an exact int's own C slot; its few digits match no pattern in force
                    else:
                        shown = red.redact_value(render(value))
                    text += shown + lit
                    i += 1
            except Exception as err:  # noqa: BLE001 - nothing the probe does may reach the program
                return self._fail("runtime-refused", f"the line could not be formatted: {type(err).__name__}: {err}; no line is logged while it fails")
            if self._failing:
                self._recovered()
            line(action_id, text)

        return hit

    def produce(self, frame, local: dict, globals_: dict) -> None:
        self._line(self.values, local, globals_)

    def positional_produce(self, names: tuple[str, ...]):
        values = [compile_expression(e, positional=names) for e in self.sources]

        def produce(frame, local, globals_: dict) -> None:
            self._line(values, local, globals_)

        return produce

    def _line(self, values: list[Evaluator], local, globals_: dict) -> None:
        lit = self.literals
        text = lit[0]
        text_of = self._text
        for i, value in enumerate(values):
            text += text_of(i, value(local, globals_)) + lit[i + 1]
        self.sink.line(self.action_id, text)


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


class CounterProbe(Probe):
    """Counts the hits where its condition holds; the agent sends the count of each interval as a COUNTER sample."""

    kind = "counter"

    def __init__(self, action_id: str, condition: str, quota: "ProbeQuota | None", sink: Sink) -> None:
        super().__init__(action_id, condition, quota, sink)
        self.count = 0

    def produce(self, frame, local: dict, globals_: dict) -> None:
        self.count += 1

    def take_count(self) -> int:
        """The hits since the last call (a lost increment under threads is a miscount of one, never an error)."""
        n, self.count = self.count, 0
        return n


class Aggregate:
    """One interval's values of a metric or tic-toc: count, sum, min, max, and a DDSketch for the quantiles (within 1 %)."""

    __slots__ = ("count", "sum", "min", "max", "sketch")

    def __init__(self) -> None:
        self.count = 0
        self.sum = 0.0
        self.min = float("inf")
        self.max = float("-inf")
        self.sketch = DDSketch(0.01)

    def add(self, v: float) -> None:
        self.count += 1
        self.sum += v
        if v < self.min:
            self.min = v
        if v > self.max:
            self.max = v
        self.sketch.add(v)

    def quantiles(self) -> tuple[float, float, float]:
        if not self.count:
            return 0.0, 0.0, 0.0
        q = self.sketch.get_quantile_value
        return q(0.5) or 0.0, q(0.9) or 0.0, q(0.99) or 0.0


class AggregateProbe(Probe):
    """A probe whose hits add to an interval's aggregate, taken by the agent each metric interval."""

    def __init__(self, action_id: str, condition: str, quota: "ProbeQuota | None", sink: Sink) -> None:
        super().__init__(action_id, condition, quota, sink)
        self.aggregate = Aggregate()

    def take_aggregate(self) -> Aggregate:
        taken, self.aggregate = self.aggregate, Aggregate()
        return taken


def _number(v: object) -> "float | str":
    """A finite number, or why the value is not one."""
    if type(v) in (int, float) or type(v) is bool:
        f = float(v)  # type: ignore[arg-type]
        return f if f == f and f not in (float("inf"), float("-inf")) else f"is {render(v)}, not a finite number"
    scalar, number = numpy_scalar(v)
    if scalar and type(number) in (int, float):
        return _number(number)
    return f"is {render(v)}, not a number"


class MetricProbe(AggregateProbe):
    """A numeric expression read at the line, aggregated per interval."""

    kind = "metric"

    def __init__(self, action_id: str, expression: str, condition: str, quota: "ProbeQuota | None", sink: Sink) -> None:
        super().__init__(action_id, condition, quota, sink)
        if not expression.strip():
            raise ProbeRefused("invalid-action", "a metric needs an expression whose value is a number (expressions[0]), e.g. cart.total")
        self.expression = expression
        self.value = _compile(expression, "expression")
        self.names = self.names | names_read(expression)

    def positional_produce(self, names: tuple[str, ...]):
        value = compile_expression(self.expression, positional=names)

        def produce(frame, local, globals_: dict) -> None:
            self._add(value(local, globals_))

        return produce

    def produce(self, frame, local: dict, globals_: dict) -> None:
        self._add(self.value(local, globals_))

    def _add(self, v: object) -> None:
        n = _number(v)
        if type(n) is str:
            raise ValueError(f"{self.expression} {n}")
        self.aggregate.add(n)  # type: ignore[arg-type]


class TicTocProbe(AggregateProbe):
    """The time from its line to its end line in the same call, in milliseconds, aggregated per interval.

    The tic keeps the time per frame; the toc at the end line pairs it (a call
    that never reaches the end line leaves nothing behind for long: at most
    MAX_OPEN spans wait at once)."""

    kind = "tictoc"
    needs_frame = True
    MAX_OPEN = 10_000

    def __init__(self, action_id: str, end_line: int, condition: str, quota: "ProbeQuota | None", sink: Sink) -> None:
        super().__init__(action_id, condition, quota, sink)
        self.end_line = end_line
        self._open: dict[int, int] = {}

    def produce(self, frame, local: dict, globals_: dict) -> None:
        if len(self._open) >= self.MAX_OPEN:
            self._open.clear()
        self._open[id(frame)] = time.perf_counter_ns()

    def toc(self) -> None:
        """Called by the code at the end line; never raises."""
        if not self.enabled:
            return
        frame = _getframe(1)
        try:
            start = self._open.pop(id(frame), None)
            if start is not None:
                self.aggregate.add((time.perf_counter_ns() - start) / 1e6)
        except Exception:  # noqa: BLE001
            pass
        finally:
            del frame
