"""Probes that aggregate in place, sent once an interval by the agent: counters, metrics and tic-tocs."""

from __future__ import annotations

import sys
import time

from ddsketch import DDSketch

from .evaluate import compile_expression, names_read
from .libraries import numpy_scalar
from .probe import Probe, ProbeRefused, Sink, _compile
from .quota import ProbeQuota
from .values import render

_getframe = sys._getframe


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
    """The time from its line to its end line in the same call, or of the whole function that starts at its line (no end line), in milliseconds, aggregated per interval.

    The tic keeps the time per frame; the toc at the end line (or as the
    function returns or raises) pairs it. A call that never reaches the end
    line leaves nothing behind for long: at most MAX_OPEN spans wait at once."""

    kind = "tictoc"
    needs_frame = True
    MAX_OPEN = 10_000

    def __init__(self, action_id: str, line: int, end_line: int, condition: str, quota: "ProbeQuota | None", sink: Sink) -> None:
        super().__init__(action_id, condition, quota, sink)
        self.end_line = _end_line(line, end_line)
        self.whole_function = self.end_line == 0
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


def _end_line(line: int, end_line: int) -> int:
    if end_line == -1:
        raise ProbeRefused("invalid-action", "a tic-toc ends in the file where it starts: give an end line in the same file")
    if end_line < 0:
        raise ProbeRefused("invalid-action", f"end line {end_line} is not a line number (0, or none, times the function that starts on the line)")
    if end_line and end_line <= line:
        raise ProbeRefused("invalid-action", f"the end line ({end_line}) must come after the start line ({line}); to time a function, give its first line and no end")
    return end_line
