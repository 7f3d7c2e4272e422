"""Dates and times read as ISO 8601 text, from the C-level fields of the datetime types.

``isoformat`` itself is not called: on an aware value it asks the tzinfo for
its offset, and a tzinfo may be the program's Python code. The fields are
read through the base types' own descriptors, so a subclass (pandas'
Timestamp) reads the same; an offset is written only for the C-level
``datetime.timezone``, any other tzinfo is named instead.
"""

from __future__ import annotations

import datetime as _dt

from .raw import type_name

_DATE, _TIME, _DATETIME, _DELTA, _ZONE = _dt.date, _dt.time, _dt.datetime, _dt.timedelta, _dt.timezone


def _fields(cls: type, v: object, *names: str) -> list:
    return [cls.__dict__[n].__get__(v) for n in names]


def _clock(cls: type, v: object) -> str:
    hour, minute, second, micro, tz = _fields(cls, v, "hour", "minute", "second", "microsecond", "tzinfo")
    text = f"{hour:02d}:{minute:02d}:{second:02d}" + (f".{micro:06d}" if micro else "")
    if tz is None:
        return text
    if type(tz) is _ZONE:
        return text + ("Z" if tz is _ZONE.utc else _offset(_ZONE.utcoffset(tz, None)))
    return f"{text} ({type_name(type(tz))})"


def _offset(delta: _dt.timedelta) -> str:
    minutes = int(_DELTA.total_seconds(delta)) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def date_text(v: object) -> "str | None":
    """``2026-12-04T21:33:28.854000Z``, ``2026-12-04``, ``21:33:28``, ``1 day, 2:00:00``; None for anything else."""
    t = type(v)
    if issubclass(t, _DATETIME):
        year, month, day = _fields(_DATE, v, "year", "month", "day")
        return f"{year:04d}-{month:02d}-{day:02d}T{_clock(_DATETIME, v)}"
    if issubclass(t, _DATE):
        year, month, day = _fields(_DATE, v, "year", "month", "day")
        return f"{year:04d}-{month:02d}-{day:02d}"
    if issubclass(t, _TIME):
        return _clock(_TIME, v)
    if issubclass(t, _DELTA):
        return _DELTA.__str__(v)
    return None
