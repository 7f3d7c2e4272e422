"""A log action's probe: on each hit, its condition and the values of its format, as one line.

It runs inside the program's thread at the probed line, so it reads the
frame above it, never raises into the program (a failure is reported once
and the line is skipped while it lasts), and hands the line to a sink that
must not block.
"""

from __future__ import annotations

import sys
from typing import Callable

from .evaluate import Evaluator, compile_expression
from .expressions import ExpressionError
from .format import Expr, FormatError, Text, split
from .marker import Marker
from .safe_ops import truth
from .values import render

_getframe = sys._getframe


class ProbeRefused(ValueError):
    """The action cannot become a probe; the message is the state's text, the code its reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class LogProbe:
    def __init__(self, action_id: str, fmt: str, condition: str, line: Callable[[str, str], None], failed: Callable[[str, str, str], None]) -> None:
        self.action_id = action_id
        self.enabled = True
        self._line = line
        self._failed = failed
        self._failing = False
        try:
            self.condition: Evaluator | None = compile_expression(condition) if condition.strip() else None
        except ExpressionError as err:
            raise ProbeRefused(err.code, f"condition: {err}; nothing was installed") from None
        try:
            parts = split(fmt)
            literals, values = [""], []
            for part in parts:
                if isinstance(part, Text):
                    literals[-1] += part.text
                else:
                    assert isinstance(part, Expr)
                    values.append(compile_expression(part.source, part.column - 1, fmt) if part.source else None)
                    literals.append("")
        except (FormatError, ExpressionError) as err:
            raise ProbeRefused(err.code, f"format: {err}; nothing was installed") from None
        self.literals = literals
        self.values = values

    def hit(self) -> None:
        """Called by the code at the probed line; never raises."""
        if not self.enabled:
            return
        frame = _getframe(1)
        local, globals_ = frame.f_locals, frame.f_globals
        del frame
        if self.condition is not None:
            try:
                ok = truth(self.condition(local, globals_))
            except Exception as err:  # noqa: BLE001 - nothing the probe does may reach the program
                return self._fail("invalid-expression", f"the condition could not be evaluated: {type(err).__name__}: {err}; no line is logged while it fails")
            if type(ok) is Marker or not ok:
                return self._recover()
        try:
            lit = self.literals
            text = lit[0]
            for i, value in enumerate(self.values):
                text += render(value(local, globals_)) + lit[i + 1]  # type: ignore[misc]
        except Exception as err:  # noqa: BLE001
            return self._fail("runtime-refused", f"the line could not be formatted: {type(err).__name__}: {err}; no line is logged while it fails")
        self._recover()
        self._line(self.action_id, text)

    def _fail(self, code: str, message: str) -> None:
        if not self._failing:
            self._failing = True
            self._failed(self.action_id, code, message)

    def _recover(self) -> None:
        if self._failing:
            self._failing = False
            self._failed(self.action_id, "", "")
