"""A log action's probe: the format's values read at the line, rendered, redacted, as one line."""

from __future__ import annotations

from .evaluate import Evaluator, compile_expression, name, names_read
from .format import Expr, FormatError, Text, split
from .probe import Probe, ProbeRefused, Sink, _compile
from .quota import ProbeQuota
from .redaction import REDACTED, Redaction
from .values import render

#: Integers below this have at most 11 digits: fewer than any default pattern (a card number's 12) can match.
_SMALL_INT = 10**11


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
        #: Whether the first failure was said as one of the probe's lines too (once: the state says the rest).
        self._failure_logged = False
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

    def _fail(self, code: str, message: str) -> None:
        """The error state, and the first failure as a line too, where the person reading the lines looks."""
        first = not self._failing
        super()._fail(code, message)
        if first and not self._failure_logged:
            self._failure_logged = True
            self.sink.line(self.action_id, f"[sonde] {message}")

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
