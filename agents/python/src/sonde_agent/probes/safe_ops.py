"""Reads and operators a probe expression may apply, each only where it runs no program code.

Attributes come from the instance's ``__dict__``, slots and built-in
descriptors, never through ``getattr``: a property, ``__getattr__``,
``__getattribute__`` or descriptor of the program's never runs. Items are
read with the built-in containers' own C methods and keys of plain types
(a key of the program's would run its ``__hash__`` and ``__eq__``).
Operators apply to plain values only (numbers, strings, bytes, and lists,
tuples, dicts and sets of them), with bounds on what they may allocate.
Anything else gives a Marker that says what was refused.
"""

from __future__ import annotations

import operator
from types import BuiltinFunctionType, FunctionType, MemberDescriptorType, GetSetDescriptorType, MethodDescriptorType, ModuleType, WrapperDescriptorType

from .marker import Marker
from .raw import MISSING as _MISSING, class_lookup as _class_lookup, object_attribute as _object_dict, type_dict as _type_dict, type_flags as _type_flags, type_mro as _type_mro, type_name as _type_name

NUMBERS = (bool, int, float, complex)
SCALARS = frozenset({bool, int, float, complex, str, bytes, type(None)})
CONTAINERS = frozenset({list, tuple, dict, set, frozenset})
#: The largest result an operator may build (items, characters or bits), so that ``[0] * 10**9`` is refused, not allocated.
MAX_SIZE = 1_000_000
#: How far a comparison or ``in`` looks into nested containers to know they hold plain values only.
MAX_PLAIN_ITEMS = 10_000
_BUILTIN_DESCRIPTORS = frozenset({MemberDescriptorType, GetSetDescriptorType, MethodDescriptorType, WrapperDescriptorType, BuiltinFunctionType, staticmethod, classmethod, FunctionType})

_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement, not a built-in


def type_name(value: object) -> str:
    return _type_name(type(value))


def _defines(cls: type, name: str) -> bool:
    """Whether a class of the program's (not object, not a built-in) in ``cls``'s MRO defines ``name``."""
    for klass in _type_mro(cls):
        if klass is object:
            return False
        if name in _type_dict(klass) and _type_flags(klass) & _HEAP_TYPE:
            return True
    return False


def attr(obj: object, name: str) -> object:
    """``obj.name`` from its data; a Marker where reading it would run the program's code; AttributeError where it has none."""
    if type(obj) is Marker:
        return obj
    cls = type(obj)
    if issubclass(cls, type):
        return _class_attr(obj, name)  # type: ignore[arg-type]
    found = _class_lookup(cls, name)
    kind = type(found)
    if found is not _MISSING and (_class_lookup(kind, "__set__") is not _MISSING or _class_lookup(kind, "__delete__") is not _MISSING):
        if kind in _BUILTIN_DESCRIPTORS:
            return found.__get__(obj, cls)  # type: ignore[attr-defined]
        what = "a property" if kind is property else f"a {_type_name(kind)} descriptor"
        return Marker(f"<{name} is {what} of {_type_name(cls)}: reading it would run the program's code>")
    try:
        own = _object_dict(obj, "__dict__")
    except AttributeError:
        own = None
    if type(own) is dict and name in own:
        return dict.__getitem__(own, name)
    if found is not _MISSING:
        if kind in _BUILTIN_DESCRIPTORS:
            return found.__get__(obj, cls)  # type: ignore[attr-defined]
        if _class_lookup(kind, "__get__") is not _MISSING:
            return Marker(f"<{name} is a {_type_name(kind)} descriptor of {_type_name(cls)}: reading it would run the program's code>")
        return found
    if _defines(cls, "__getattr__"):
        return Marker(f"<{name} is not a field of {_type_name(cls)}, and finding it would run {_type_name(cls)}.__getattr__; read the object it stands for instead>")
    raise AttributeError(f"{_type_name(cls)} has no attribute {name!r}")


def _class_attr(cls: type, name: str) -> object:
    """An attribute of a class (or module-level type) from its MRO's dicts."""
    found = _class_lookup(cls, name)
    if found is _MISSING:
        if _defines(type(cls), "__getattr__"):
            return Marker(f"<{name} is not a field of {_type_name(cls)}, and finding it would run its metaclass's __getattr__>")
        raise AttributeError(f"{_type_name(cls)} has no attribute {name!r}")
    kind = type(found)
    if kind in (staticmethod, classmethod, FunctionType) or kind in _BUILTIN_DESCRIPTORS:
        return found.__get__(None, cls) if kind is not FunctionType else found  # type: ignore[attr-defined]
    if _class_lookup(kind, "__get__") is not _MISSING:
        return Marker(f"<{name} is a {_type_name(kind)} descriptor of {_type_name(cls)}: reading it would run the program's code>")
    return found


def plain(value: object, budget: list[int] | None = None) -> bool:
    """Whether ``value`` is a plain value: a scalar, or a built-in container holding plain values only (bounded look)."""
    t = type(value)
    if t in SCALARS:
        return True
    if t not in CONTAINERS:
        return False
    budget = budget if budget is not None else [MAX_PLAIN_ITEMS]
    items = dict.items(value) if t is dict else value  # type: ignore[call-overload]
    for item in items:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if t is dict:
            if not (plain(item[0], budget) and plain(item[1], budget)):
                return False
        elif not plain(item, budget):
            return False
    return True


def item(container: object, key: object) -> object:
    """``container[key]`` for built-in containers and plain keys."""
    if type(container) is Marker:
        return container
    if type(key) is Marker:
        return key
    cls = type(container)
    if issubclass(cls, dict):
        if not plain(key):
            return Marker(f"<a {type_name(key)} key refused: looking it up would run its __hash__ and __eq__>")
        found = dict.get(container, key, _MISSING)  # type: ignore[arg-type]
        if found is _MISSING:
            raise KeyError(key)
        return found
    if issubclass(cls, (list, tuple, str, bytes)):
        base = next(b for b in (list, tuple, str, bytes) if issubclass(cls, b))
        if type(key) is slice:
            if not all(type(p) in (int, bool, type(None)) for p in (key.start, key.stop, key.step)):
                return Marker("<a slice of non-integers refused: it would run their __index__>")
        elif type(key) not in (int, bool):
            return Marker(f"<indexing a {_type_name(cls)} with a {type_name(key)} refused: give an integer>")
        return base.__getitem__(container, key)  # type: ignore[attr-defined]
    return Marker(f"<indexing a {_type_name(cls)} refused: it would run its __getitem__>")


_BINARY = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv, "%": operator.mod,
    "**": operator.pow, "<<": operator.lshift, ">>": operator.rshift, "&": operator.and_, "|": operator.or_, "^": operator.xor, "@": operator.matmul,
}


#: Operators whose result on two numbers is no bigger than their operands' sum (** and << are not).
_CHEAP = frozenset({"+", "-", "*", "/", "//", "%", "&", "|", "^", ">>"})
_SMALL_INT = 2**62


def _size(v: object) -> int:
    t = type(v)
    if t is int:
        return v.bit_length()  # type: ignore[union-attr]
    if t in (str, bytes, list, tuple):
        return len(v)  # type: ignore[arg-type]
    return 1


_SMALL_NUMBERS = frozenset({int, float, bool})


def binary(op: str, a: object, b: object) -> object:
    """``a op b`` on plain values, refused where it would build more than MAX_SIZE."""
    ta, tb = type(a), type(b)
    if ta in _SMALL_NUMBERS and tb in _SMALL_NUMBERS and op in _CHEAP and (ta is float or tb is float or -_SMALL_INT < a < _SMALL_INT and -_SMALL_INT < b < _SMALL_INT):  # type: ignore[operator]
        return _BINARY[op](a, b)
    if type(a) is Marker:
        return a
    if type(b) is Marker:
        return b
    if not (plain(a) and plain(b)):
        odd = a if not plain(a) else b
        return Marker(f"<{op} on a {type_name(odd)} refused: it would run the program's own operator>")
    if op == "**" and type(b) is int and type(a) in (int, bool) and abs(a) > 1 and b * max(a.bit_length(), 1) > MAX_SIZE:  # type: ignore[union-attr]
        return Marker(f"<** refused: the result would have more than {MAX_SIZE} bits>")
    if op == "<<" and type(b) is int and _size(a) + b > MAX_SIZE:
        return Marker(f"<<< refused: the result would have more than {MAX_SIZE} bits>")
    if op == "*":
        for seq, n in ((a, b), (b, a)):
            if type(seq) in (str, bytes, list, tuple) and type(n) in (int, bool) and len(seq) * n > MAX_SIZE:  # type: ignore[arg-type]
                return Marker(f"<* refused: the result would have more than {MAX_SIZE} items>")
        if type(a) is int and type(b) is int and a.bit_length() + b.bit_length() > MAX_SIZE:
            return Marker(f"<* refused: the result would have more than {MAX_SIZE} bits>")
    if op == "+" and _size(a) + _size(b) > MAX_SIZE:
        return Marker(f"<+ refused: the result would have more than {MAX_SIZE} items>")
    if op == "%" and type(a) in (str, bytes):
        return Marker("<% on a string refused: it is formatting, which runs the values' own methods>")
    return _BINARY[op](a, b)


def unary(op: str, a: object) -> object:
    if type(a) is Marker:
        return a
    if op == "not":
        t = truth(a)
        return t if type(t) is Marker else not t
    if type(a) not in NUMBERS:
        return Marker(f"<{op} on a {type_name(a)} refused: it would run the program's own operator>")
    return {"-": operator.neg, "+": operator.pos, "~": operator.invert}[op](a)


def truth(a: object) -> "bool | Marker":
    """Whether ``a`` is true, for plain values and the containers (their length); a Marker where it would run __bool__ or __len__."""
    t = type(a)
    if t is Marker:
        return a  # type: ignore[return-value]
    if t in SCALARS or t in CONTAINERS or t is ModuleType or t is FunctionType:
        return bool(a)
    if not (_defines(t, "__bool__") or _defines(t, "__len__")):
        return True
    return Marker(f"<the truth of a {_type_name(t)} refused: it would run its __bool__ or __len__>")


_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


_ANY_COMPARE = {**_COMPARE, "in": lambda a, b: a in b, "not in": lambda a, b: a not in b, "is": operator.is_, "is not": operator.is_not}


def compare(op: str, a: object, b: object) -> "bool | Marker":
    if type(a) in SCALARS and type(b) in SCALARS:  # the common case, first: this runs on every hit
        return _ANY_COMPARE[op](a, b)
    if type(a) is Marker:
        return a  # type: ignore[return-value]
    if type(b) is Marker:
        return b  # type: ignore[return-value]
    if op == "is":
        return a is b
    if op == "is not":
        return a is not b
    if not (plain(a) and plain(b)):
        odd = a if not plain(a) else b
        return Marker(f"<{op} on a {type_name(odd)} refused: it would run {type_name(odd)}'s own comparison>")
    if op == "in":
        return a in b  # type: ignore[operator]
    if op == "not in":
        return a not in b  # type: ignore[operator]
    return _COMPARE[op](a, b)


def set_of(items: list[object]) -> object:
    for v in items:
        if not plain(v):
            return Marker(f"<a set of {type_name(v)} refused: it would run their __hash__ and __eq__>")
    return set(items)


def dict_of(pairs: list[tuple[object, object]]) -> object:
    for k, _ in pairs:
        if not plain(k):
            return Marker(f"<a {type_name(k)} key refused: it would run its __hash__ and __eq__>")
    return dict(pairs)
