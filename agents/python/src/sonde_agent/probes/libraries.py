"""Well-known library values read as summaries, through their types' C-level
descriptors only (never a Python method of the library's): a numpy array as
its shape, dtype and first items; a numpy scalar as the Python number it
holds. Other library objects read as any object does (class and fields).
"""

from __future__ import annotations

import itertools

from .raw import MISSING, class_lookup, type_module as _type_module, type_mro as _type_mro

FIRST_ITEMS = 5


def _descriptor(cls: type, name: str):
    found = class_lookup(cls, name)
    return None if found is MISSING else found


def _is_numpy(cls: type) -> bool:
    try:
        return _type_module(cls) == "numpy"
    except Exception:  # noqa: BLE001 - a type without a module is not numpy's
        return False


def numpy_scalar(value: object) -> "tuple[bool, object]":
    """(True, the Python number) for a numpy scalar (np.int64, np.float32...); (False, None) otherwise."""
    cls = type(value)
    if not _is_numpy(cls) or "generic" not in {k.__name__ for k in _type_mro(cls)}:
        return False, None
    item = _descriptor(cls, "item")
    return (True, item(value)) if item is not None and type(item).__name__ == "method_descriptor" else (False, None)


def numpy_array(value: object, render) -> "str | None":
    """``ndarray(shape=(3, 4), dtype=float64) [ 0.0, 1.0, 2.0, 3.0, 4.0, … ]`` for a numpy array; None for anything else."""
    cls = type(value)
    if not _is_numpy(cls) or cls.__name__ != "ndarray":
        return None
    shape = _descriptor(cls, "shape").__get__(value, cls)
    dtype = _descriptor(cls, "dtype").__get__(value, cls)
    dtype_name = _descriptor(type(dtype), "name").__get__(dtype, type(dtype))
    size = _descriptor(cls, "size").__get__(value, cls)
    flat = _descriptor(cls, "flat").__get__(value, cls)
    items = [render(numpy_scalar(x)[1] if numpy_scalar(x)[0] else x) for x in itertools.islice(flat, FIRST_ITEMS)]
    more = ", \u2026" if size > FIRST_ITEMS else ""
    shown = f"[ {', '.join(items)}{more} ]" if items else "[]"
    return f"ndarray(shape={tuple(shape)}, dtype={dtype_name}) {shown}"
