"""Well-known library values read as summaries, through their types' C-level
descriptors and the objects' own dicts only (never a Python method or
property of the library's): a numpy array as its shape, dtype and first
items; a numpy scalar as the Python number it holds; a pandas DataFrame as
its shape and columns, a Series as its name, length and first items, an
Index as its length and first labels. Other library objects read as any
object does (class and fields).
"""

from __future__ import annotations

import itertools

from .raw import MISSING, c_attribute, class_lookup, instance_dict, type_module as _type_module, type_mro as _type_mro, type_short_name as _name

FIRST_ITEMS = 5
#: Column labels a frame's summary names before it says how many more.
FIRST_COLUMNS = 10


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
    if not _is_numpy(cls) or "generic" not in {_name(k) for k in _type_mro(cls)}:
        return False, None
    item = _descriptor(cls, "item")
    return (True, item(value)) if item is not None and type(item).__name__ == "method_descriptor" else (False, None)


def library_summary(value: object, render) -> "str | None":
    """The summary of a numpy array or a pandas frame, series or index; None for anything else."""
    return numpy_array(value, render) or pandas_value(value, render)


def _is_ndarray(value: object) -> bool:
    cls = type(value)
    return _is_numpy(cls) and _name(cls) == "ndarray"


def numpy_array(value: object, render) -> "str | None":
    """``ndarray(shape=(3, 4), dtype=float64) [ 0.0, 1.0, 2.0, 3.0, 4.0, … ]`` for a numpy array; None for anything else."""
    if not _is_ndarray(value):
        return None
    cls = type(value)
    shape = _descriptor(cls, "shape").__get__(value, cls)
    return f"ndarray(shape={tuple(shape)}, dtype={_dtype_name(value)}) {_items(value, render)}"


def _dtype_name(array: object) -> str:
    """The name of the array's scalar type (float64, int32, str_), from C-level slots: numpy's own ``dtype.name`` is Python code."""
    cls = type(array)
    dtype = _descriptor(cls, "dtype").__get__(array, cls)
    scalar = _descriptor(type(dtype), "type").__get__(dtype, type(dtype))
    return _name(scalar)


def _size(array: object) -> int:
    cls = type(array)
    return _descriptor(cls, "size").__get__(array, cls)


def _items(array: object, render, first: int = FIRST_ITEMS) -> str:
    """``[ 1, 2, 3, … ]``: the array's first items in order, read through its flat iterator (nothing copied), rendered as a list renders them."""
    cls = type(array)
    flat = _descriptor(cls, "flat").__get__(array, cls)
    shown = render([numpy_scalar(x)[1] if numpy_scalar(x)[0] else x for x in itertools.islice(flat, first)])
    return shown[:-2] + ", \u2026 ]" if _size(array) > first else shown


def _pandas_kind(cls: type) -> str:
    """"DataFrame", "Series" or "Index" for pandas' classes and their subclasses; "" for anything else."""
    for klass in _type_mro(cls):
        try:
            module = _type_module(klass)
        except Exception:  # noqa: BLE001 - a type without a module is not pandas'
            continue
        if type(module) is str and (module == "pandas" or module.startswith("pandas.")):
            name = _name(klass)
            if name in ("DataFrame", "Series", "Index"):
                return name
    return ""


def _field(obj: object, name: str) -> object:
    """A field the object holds: a compiled one of its type's, or an entry of its own dict; MISSING otherwise."""
    found = c_attribute(obj, name)
    if found is MISSING:
        own = instance_dict(obj)
        found = own.get(name, MISSING) if own is not None else MISSING
    return found


def _values(array: object) -> "object | None":
    """The numpy array behind a pandas array: itself, or a NumPy-backed extension array's ``_ndarray`` (a compiled field)."""
    if _is_ndarray(array):
        return array
    inner = c_attribute(array, "_ndarray")
    return inner if _is_ndarray(inner) else None


def _index(index: object) -> "tuple[int, list] | None":
    """An index's length and first labels, from its own dict: a RangeIndex's range, or the array of labels."""
    own = instance_dict(index)
    if own is None:
        return None
    labels = own.get("_range")
    if type(labels) is range:
        return len(labels), list(itertools.islice(labels, FIRST_COLUMNS + 1))
    array = _values(own.get("_data"))
    if array is None:
        return None
    cls = type(array)
    flat = _descriptor(cls, "flat").__get__(array, cls)
    return _size(array), [numpy_scalar(x)[1] if numpy_scalar(x)[0] else x for x in itertools.islice(flat, FIRST_COLUMNS + 1)]


def _labels(found: "tuple[int, list]", render) -> str:
    n, first = found
    shown = render(first[:FIRST_COLUMNS])  # as a list renders: strings quoted
    return shown[:-2] + f", \u2026 {n - FIRST_COLUMNS} more ]" if n > FIRST_COLUMNS else shown


def pandas_value(value: object, render) -> "str | None":
    """``DataFrame(shape=(3, 2), columns=[ 'a', 'b' ])``, ``Series(name='a', length=3, dtype=int64) [ 1, 2, 3 ]``, ``Index(length=2) [ 'a', 'b' ]``; None for anything else."""
    kind = _pandas_kind(type(value))
    if not kind:
        return None
    name = _name(type(value))
    if kind == "Index":
        found = _index(value)
        return f"{name}(length={found[0]}) {_labels(found, render)}" if found else f"{name}(unread)"
    own = instance_dict(value)
    manager = own.get("_mgr") if own is not None else None
    if kind == "DataFrame":
        axes = _field(manager, "axes") if manager is not None else MISSING
        if type(axes) is not list or len(axes) != 2:
            return f"{name}(unread)"
        columns, rows = _index(axes[0]), _index(axes[1])
        shape = f"({rows[0] if rows else '?'}, {columns[0] if columns else '?'})"
        return f"{name}(shape={shape}, columns={_labels(columns, render) if columns else '?'})"
    blocks = _field(manager, "blocks") if manager is not None else MISSING
    values = _field(blocks[0], "values") if type(blocks) is tuple and blocks else MISSING
    array = _values(values)
    label = render([own.get("_name")])[2:-2] if own is not None else "?"  # quoted, as inside a list
    if array is None:
        return f"{name}(name={label}, unread)"
    dtype = f"dtype={_dtype_name(array)}" if array is values else f"values={_name(type(values))}"
    return f"{name}(name={label}, length={_size(array)}, {dtype}) {_items(array, render)}"
