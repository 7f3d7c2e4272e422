"""Bounded trees of values for a snapshot: a frame's locals and watch expressions.

Values are read as values.py reads them, from their data only: built-in
containers through their own C methods, other objects through their
instance dict and slots; no ``__repr__``, property, ``__getattr__`` or
iterator of the program's runs. The cost is bounded whatever the value:
depth, fields, items and string length are capped, and every tree of one
capture shares one byte budget. What is cut is marked ``truncated``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType

from .fields import instance_fields
from .dates import date_text
from .libraries import library_summary, numpy_scalar
from .marker import Marker
from .raw import type_name as _type_name
from .redaction import REDACTED, Redaction
from .utf16 import cut
from .values import render

_LEAVES = frozenset({bool, int, float, complex, bytes, Marker, FunctionType, BuiltinFunctionType, MethodType, ModuleType})


@dataclass(frozen=True)
class Limits:
    depth: int = 3
    fields: int = 20
    items: int = 100
    string_length: int = 255
    bytes: int = 32 * 1024

    @classmethod
    def of(cls, depth: int = 0, fields: int = 0, items: int = 0, string_length: int = 0, bytes: int = 0) -> "Limits":
        """An action's limits: a zero (or what is not a positive whole number) keeps the default, as action.proto says."""
        d = cls()
        pick = lambda v, default: v if type(v) is int and v > 0 else default  # noqa: E731
        return cls(pick(depth, d.depth), pick(fields, d.fields), pick(items, d.items), pick(string_length, d.string_length), pick(bytes, d.bytes))


@dataclass
class Variable:
    name: str
    type: str
    value: str
    children: list["Variable"] = field(default_factory=list)
    truncated: bool = False
    left: int = 0


class Capture:
    """One capture's walk: the shared byte budget, and the objects being expanded (a cycle meets one again)."""

    def __init__(self, limits: Limits = Limits(), redaction: "Redaction | None" = None) -> None:
        self.limits = limits
        self.redaction = redaction
        self.used = 0
        self.cut = False
        self._open: set[int] = set()

    def variable(self, name: str, value: object, depth: int = 0) -> Variable:
        t = type(value)
        red = self.redaction
        if red is not None and red.sensitive_name(name):
            return self._leaf(name, _type_name(t), REDACTED, False, 0)
        if self.used >= self.limits.bytes:
            self.cut = True
            return Variable(name, _type_name(t), "", truncated=True)
        if t is str or issubclass(t, str):
            text, was_cut = cut(str.__str__(value), self.limits.string_length)  # type: ignore[arg-type]
            if red is not None:
                text = red.redact_text(text)
            left = len(str.__str__(value)) - len(text) if was_cut else 0  # type: ignore[arg-type]
            return self._leaf(name, "str", text + ("\u2026" if was_cut else ""), was_cut, left)
        if value is None or t in _LEAVES or issubclass(t, type):
            return self._leaf(name, "Marker" if t is Marker else _type_name(t), render(value), False, 0)
        if numpy_scalar(value)[0] or date_text(value) is not None or library_summary(value, render) is not None:
            return self._leaf(name, _type_name(t), render(value), False, 0)
        if id(value) in self._open:
            return self._leaf(name, _type_name(t), "[Circular]", False, 0)
        if depth >= self.limits.depth:
            return Variable(name, _type_name(t), self._summary(value), truncated=True)
        self._open.add(id(value))
        try:
            return self._container(name, value, depth)
        finally:
            self._open.discard(id(value))

    def _leaf(self, name: str, type_: str, text: str, truncated: bool, left: int) -> Variable:
        self.used += len(name) + len(text) + 16
        return Variable(name, type_, text, truncated=truncated, left=left)

    def _summary(self, value: object) -> str:
        t = type(value)
        if issubclass(t, (list, tuple, dict, set, frozenset)):
            base = next(b for b in (list, tuple, dict, set, frozenset) if issubclass(t, b))
            return f"{_type_name(t)}({base.__len__(value)})"  # type: ignore[attr-defined]
        return f"{_type_name(t)} {{\u2026}}"

    def _entries(self, value: object) -> tuple[list[tuple[str, object]], int, int]:
        """Named children, how many there are in all, and the limit that applies."""
        t = type(value)
        if issubclass(t, dict):
            total = dict.__len__(value)  # type: ignore[arg-type]
            out = []
            for k, v in dict.items(value):  # type: ignore[arg-type]
                if len(out) >= self.limits.fields:
                    break
                out.append((render(k), v))
            return out, total, self.limits.fields
        for base in (list, tuple, set, frozenset):
            if issubclass(t, base):
                total = base.__len__(value)  # type: ignore[attr-defined]
                out = []
                for i, v in enumerate(base.__iter__(value)):  # type: ignore[attr-defined]
                    if i >= self.limits.items:
                        break
                    out.append((str(i), v))
                return out, total, self.limits.items
        fields, total = instance_fields(value, self.limits.fields)
        return [(k if type(k) is str else render(k), v) for k, v in fields], total, self.limits.fields

    def _container(self, name: str, value: object, depth: int) -> Variable:
        entries, total, _limit = self._entries(value)
        node = Variable(name, _type_name(type(value)), self._summary(value))
        self.used += len(name) + len(node.value) + 16
        for child_name, child in entries:
            if self.used >= self.limits.bytes:
                self.cut = True
                break
            node.children.append(self.variable(child_name, child, depth + 1))
        shown = len(node.children)
        if shown < total:
            node.truncated, node.left = True, total - shown
        return node
