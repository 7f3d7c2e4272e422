"""An object's instance fields, read from its data: its ``__dict__`` (through
``object.__getattribute__``, so that the class's own ``__getattribute__``
never runs) and its slots (through the slots' C member descriptors). A
program's own ``__slots__`` that is not a str, tuple or list is not iterated.
"""

from __future__ import annotations

from types import MemberDescriptorType

from .raw import object_attribute as _object_dict, type_dict as _type_dict, type_mro as _type_mro



def _slots_of(cls: type) -> tuple[str, ...]:
    slots = _type_dict(cls).get("__slots__", ())
    if type(slots) is str:
        return (slots,)
    if type(slots) not in (tuple, list):
        return ()  # an iterable of the program's own: iterating it would run its code
    return tuple(s for s in slots if type(s) is str and s not in ("__dict__", "__weakref__"))


def instance_fields(value: object, limit: int) -> tuple[list[tuple[object, object]], int]:
    """At most ``limit`` of the object's fields, in order, and how many it has in all."""
    fields: list[tuple[object, object]] = []
    total = 0
    try:
        own = _object_dict(value, "__dict__")
    except AttributeError:
        own = None
    if type(own) is dict:
        total = dict.__len__(own)
        for pair in dict.items(own):
            if len(fields) >= limit:
                break
            fields.append(pair)
    for cls in _type_mro(type(value)):
        for slot in _slots_of(cls):
            descriptor = _type_dict(cls).get(slot)
            if type(descriptor) is MemberDescriptorType:
                try:
                    field = descriptor.__get__(value, cls)
                except AttributeError:
                    continue  # a slot never set
                total += 1
                if len(fields) < limit:
                    fields.append((slot, field))
    return fields, total
