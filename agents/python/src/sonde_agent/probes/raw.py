"""Readers of types and objects that never run the program's code: the
C-level slots of ``type`` and ``object``, taken once, so that a class's own
``__getattribute__``, metaclass or properties are never consulted.
"""

from __future__ import annotations

import types

_C_LEVEL = (types.GetSetDescriptorType, types.MemberDescriptorType)

MISSING = object()

type_dict = type.__dict__["__dict__"].__get__
type_mro = type.__dict__["__mro__"].__get__
type_name = type.__dict__["__qualname__"].__get__
type_short_name = type.__dict__["__name__"].__get__
type_module = type.__dict__["__module__"].__get__
type_flags = type.__dict__["__flags__"].__get__
object_attribute = object.__getattribute__
module_dict = types.ModuleType.__dict__["__dict__"].__get__


def class_lookup(cls: type, name: str) -> object:
    """``name`` in the classes of ``cls``'s MRO, read from their own dicts (no metaclass code); MISSING when none has it."""
    for klass in type_mro(cls):
        found = type_dict(klass).get(name, MISSING)
        if found is not MISSING:
            return found
    return MISSING


def c_attribute(value: object, name: str) -> object:
    """An attribute a type defines in C (a getset or member descriptor: a compiled field read), MISSING when it is anything else or absent."""
    cls = type(value)
    found = class_lookup(cls, name)
    return found.__get__(value, cls) if type(found) in _C_LEVEL else MISSING  # type: ignore[union-attr]


def instance_dict(value: object) -> "dict | None":
    """The object's own ``__dict__`` through the type's C-level slot; None when it has none, or the class made ``__dict__`` something else."""
    found = c_attribute(value, "__dict__")
    return found if type(found) is dict else None
