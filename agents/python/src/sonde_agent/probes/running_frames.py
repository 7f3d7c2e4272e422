"""Lines in a function that is running now and never returns (a worker's
``while True:`` loop, a main loop): its frame keeps running the code it
started with, so a probe swapped into the function's code never fires there.

Such a frame in the main thread is served by a trace scoped to it: a pending
call (``Py_AddPendingCall``, run by the main thread between two bytecodes)
sets that frame's ``f_trace``, and a thread trace that returns None for every
other call (CPython consults frame traces only while its thread has one).
At the probe's line the frame's trace runs the probe; when the frame returns
or the probe goes, the trace is taken off. While it is on, every call in
the main thread pays the thread trace's call (bench/python-agent's row
"other function, settrace tracer active elsewhere": about 1 µs a call on
the machines here). CPython 3.11 offers no way to trace another running
thread from outside, so a loop in another thread is said in the probe's
state, and fires once that function is entered again.
"""

from __future__ import annotations

import ctypes
import sys
import threading
import types
from typing import Callable

_main = threading.main_thread()
#: Frames served now: frame → {line: [run(frame)]}.
_served: dict[types.FrameType, dict[int, list[Callable[[types.FrameType], None]]]] = {}
_lock = threading.Lock()
_PENDING = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)
_keep: list[object] = []


def main_thread() -> threading.Thread:
    return _main


def frames_running_key(key: tuple[str, int, str]) -> "list[tuple[types.FrameType, threading.Thread | None]]":
    """The frames on any thread's stack that run a version of the code ``key`` names (file, first line, qualified name), with their thread."""
    threads = {t.ident: t for t in threading.enumerate()}
    me = threading.get_ident()
    found = []
    for ident, top in sys._current_frames().items():
        f: types.FrameType | None = top
        while f is not None:
            c = f.f_code
            if (c.co_filename, c.co_firstlineno, c.co_qualname) == key and ident != me:
                found.append((f, threads.get(ident)))
            f = f.f_back
    return found


def _ignore(frame, event, arg):  # the thread trace: no other frame is traced
    return None


def _frame_trace(frame: types.FrameType, event: str, arg: object):
    with _lock:
        lines = _served.get(frame)
    if lines is None:
        return None
    if event == "line":
        for run in lines.get(frame.f_lineno, ()):
            try:
                run(frame)
            except Exception:  # noqa: BLE001 - nothing the probe does may reach the program
                pass
    elif event == "return":
        _stop(frame)
    return _frame_trace


def _stop(frame: types.FrameType) -> None:
    with _lock:
        _served.pop(frame, None)
        empty = not _served
    frame.f_trace = None
    if empty and threading.current_thread() is _main:
        sys.settrace(None)


def serve(frame: types.FrameType, line: int, run: Callable[[types.FrameType], None]) -> bool:
    """Serves ``line`` of a main-thread ``frame`` through its own trace; False where that cannot be done (another thread)."""
    with _lock:
        _served.setdefault(frame, {}).setdefault(line, []).append(run)

    def arm(_arg) -> int:
        try:
            frame.f_trace_lines = True
            frame.f_trace = _frame_trace
            if sys.gettrace() is None:
                sys.settrace(_ignore)
        except Exception:  # noqa: BLE001
            pass
        return 0

    callback = _PENDING(arm)
    _keep.append(callback)
    if len(_keep) > 64:
        del _keep[:32]
    return ctypes.pythonapi.Py_AddPendingCall(callback, None) == 0


def release(run: Callable[[types.FrameType], None]) -> None:
    """The probe went: its served lines go; a frame with none left is no longer traced (on its next line)."""
    with _lock:
        for lines in _served.values():
            for line in list(lines):
                lines[line] = [r for r in lines[line] if r is not run]
                if not lines[line]:
                    del lines[line]
