"""How a value reads in a log line (protocol/conformance/values.json).

Values render from their data, never through the program's own methods: a
``__repr__``, ``__str__``, ``__iter__`` or property of the program's never
runs. Built-in types are read with their C-level methods called on the type
(``dict.items(d)``), which a subclass cannot override for the call; any other
object reads as its class name and its instance fields, taken from its
``__dict__`` and slots without attribute look-up.
"""

from __future__ import annotations

import math
import re
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType

from .dates import date_text
from .fields import instance_fields
from .libraries import library_summary, numpy_scalar
from .marker import Marker
from .raw import module_dict as _module_dict
from .utf16 import cut, utf16_len

MAX_VALUE_CHARS = 255
#: Levels of collections shown: the value itself is level 0, a collection at this level is named.
MAX_DEPTH = 3
MAX_FIELDS = 20
MAX_ITEMS = 100
CUT_MARK = "\u2026"

_INF, _NEG_INF = float("inf"), float("-inf")
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_ESCAPES = str.maketrans({"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def render(value: object) -> str:
    """The text of ``value`` in a line, cut to MAX_VALUE_CHARS UTF-16 code units and marked when cut."""
    t = type(value)
    # The common leaves first, without the general walk: this runs on every hit. str() and repr() of
    # these exact built-in types are their C slots (a subclass, which could override them, goes the long way).
    if t is str:
        if len(value) <= MAX_VALUE_CHARS // 2:  # type: ignore[arg-type]
            return value  # type: ignore[return-value]
        text = value
    elif t is int:
        try:
            text = str(value)
        except ValueError:  # over the interpreter's digit limit for int → str
            return f"<int of {value.bit_length()} bits, too long to print>"  # type: ignore[union-attr]
        if len(text) <= MAX_VALUE_CHARS:
            return text
    elif t is bool:
        return "true" if value else "false"
    elif value is None:
        return "null"
    elif t is float:
        return repr(value) if value == value and value not in (_INF, _NEG_INF) else _float_text(value)  # type: ignore[arg-type]
    else:
        out = _Out(MAX_VALUE_CHARS + 1)
        _write(out, value, 0, quoted=False)
        text = "".join(out.parts)
    kept, was_cut = cut(text, MAX_VALUE_CHARS)
    return kept + CUT_MARK if was_cut else kept


class _Full(Exception):
    """Enough text to know the value is cut: stop reading it."""


class _Out:
    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size > self.limit and utf16_len("".join(self.parts)) > self.limit:
            raise _Full


def _write(out: _Out, value: object, depth: int, quoted: bool) -> None:
    try:
        _write_value(out, value, depth, quoted)
    except _Full:
        if depth > 0:
            raise


def _write_value(out: _Out, v: object, depth: int, quoted: bool) -> None:
    t = type(v)
    if v is None:
        out.add("null")
    elif t is Marker:
        out.add(v.text)  # type: ignore[attr-defined]
    elif t is bool:
        out.add("true" if v else "false")
    # issubclass on the real type: isinstance would read the object's __class__, which its own code may answer.
    elif issubclass(t, str):
        s = str.__str__(v)
        out.add("'" + s.translate(_ESCAPES) + "'" if quoted else s)
    elif issubclass(t, bool):
        out.add("true" if int.__index__(v) else "false")
    elif issubclass(t, int):
        out.add(_int_text(int.__index__(v)))
    elif issubclass(t, float):
        out.add(_float_text(float.__float__(v)))
    elif issubclass(t, (bytes, bytearray)):
        base = bytes if issubclass(t, bytes) else bytearray
        head = base.__getitem__(v, slice(0, MAX_VALUE_CHARS))  # type: ignore[call-overload]
        out.add(bytes.__repr__(bytes(head)) + ("\u2026" if base.__len__(v) > MAX_VALUE_CHARS else ""))  # type: ignore[arg-type]
    elif issubclass(t, (list, tuple)):
        _sequence(out, v, depth)
    elif issubclass(t, dict):
        _mapping(out, v, depth)
    elif t in _NAMED:
        out.add(_NAMED[t](v))
    elif issubclass(t, type):
        out.add(f"<class {type.__dict__['__qualname__'].__get__(v)}>")
    else:
        scalar, number = numpy_scalar(v)
        if scalar:
            out.add(render(number))
            return
        summary = date_text(v) or library_summary(v, render)
        if summary is not None:
            out.add(summary)
            return
        _object(out, v, depth)




def _code_name(f: object) -> str:
    t = type(f)
    if t is FunctionType or t is BuiltinFunctionType:
        return t.__dict__["__qualname__"].__get__(f)
    return "?"


#: Code and modules read as their names (from the C-level slots of their types), never as their fields.
_NAMED = {
    FunctionType: lambda f: f"<function {_code_name(f)}>",
    BuiltinFunctionType: lambda f: f"<function {_code_name(f)}>",
    MethodType: lambda m: f"<bound method {_code_name(MethodType.__dict__['__func__'].__get__(m))}>",
    ModuleType: lambda m: f"<module {dict.get(_module_dict(m), '__name__', '?')}>",
}


def _int_text(i: int) -> str:
    try:
        return int.__repr__(i)
    except ValueError:  # over the interpreter's digit limit for int → str
        return f"<int of {i.bit_length()} bits, too long to print>"


def _float_text(f: float) -> str:
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    return float.__repr__(f)


def _sequence(out: _Out, v: "list[object] | tuple[object, ...]", depth: int) -> None:
    is_list = issubclass(type(v), list)
    items = list.__iter__(v) if is_list else tuple.__iter__(v)  # type: ignore[arg-type]
    if depth >= MAX_DEPTH:
        out.add("[Array]")
        return
    count = list.__len__(v) if is_list else tuple.__len__(v)  # type: ignore[arg-type]
    if count == 0:
        out.add("[]")
        return
    out.add("[ ")
    for n, item in enumerate(items):
        if n == MAX_ITEMS:
            out.add(f", \u2026 {count - MAX_ITEMS} more")
            break
        if n:
            out.add(", ")
        _write(out, item, depth + 1, quoted=True)
    out.add(" ]")


def _key_text(key: object) -> str:
    if issubclass(type(key), str):
        s = str.__str__(key)  # type: ignore[arg-type]
        return s if _IDENTIFIER.fullmatch(s) and s.isascii() else "'" + s.translate(_ESCAPES) + "'"
    out = _Out(MAX_VALUE_CHARS + 1)
    _write(out, key, MAX_DEPTH, quoted=True)
    return "".join(out.parts)


def _fields(out: _Out, fields: "list[tuple[object, object]]", total: int, depth: int, prefix: str) -> None:
    if total == 0:
        out.add(prefix + "{}")
        return
    out.add(prefix + "{ ")
    for n, (key, value) in enumerate(fields):
        if n == MAX_FIELDS:
            out.add(f", \u2026 {total - MAX_FIELDS} more")
            break
        if n:
            out.add(", ")
        out.add(_key_text(key) + ": ")
        _write(out, value, depth + 1, quoted=True)
    out.add(" }")


def _mapping(out: _Out, v: "dict[object, object]", depth: int) -> None:
    if depth >= MAX_DEPTH:
        out.add("[Object]")
        return
    total = dict.__len__(v)
    pairs = []
    for pair in dict.items(v):
        if len(pairs) > MAX_FIELDS:
            break
        pairs.append(pair)
    _fields(out, pairs, total, depth, "")


def _object(out: _Out, v: object, depth: int) -> None:
    """Any other object: its class's name and its instance fields, read without running its code."""
    name = type.__getattribute__(type(v), "__qualname__")
    if depth >= MAX_DEPTH:
        out.add(f"[{name}]")
        return
    fields, total = instance_fields(v, MAX_FIELDS + 1)
    _fields(out, fields, total, depth, name + " ")


__all__ = ["render", "MAX_VALUE_CHARS"]
