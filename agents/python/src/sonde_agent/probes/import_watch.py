"""Probes for modules imported after their action came: the code a module is
built from goes through the engine before it runs.

Source modules are compiled by ``SourceFileLoader.get_code`` whichever way
they are imported (an ``import``, importlib, or a framework that loads files
itself with a SourceFileLoader, as Airflow loads DAG files), so that method
is wrapped once: the code it returns is handed to the engine, which puts
the pending probes of that file into it (module-level lines and the
functions the module defines) before the module executes.
"""

from __future__ import annotations

import importlib.machinery
import threading
import types
from typing import Callable

_installed = False
_lock = threading.Lock()
_listeners: list[Callable[[str, types.CodeType], types.CodeType]] = []
_inside = threading.local()


def watch(listener: Callable[[str, types.CodeType], types.CodeType]) -> None:
    """Calls ``listener(path, code)`` for each source module compiled from now on; what it returns is what runs."""
    global _installed
    with _lock:
        _listeners.append(listener)
        if _installed:
            return
        _installed = True
        loader = importlib.machinery.SourceFileLoader
        original = loader.get_code

        def get_code(self, fullname):  # type: ignore[no-untyped-def]
            code = original(self, fullname)
            if code is None or getattr(_inside, "active", False):
                return code
            _inside.active = True
            try:
                path = self.get_filename(fullname)
                for listen in list(_listeners):
                    try:
                        code = listen(path, code)
                    except Exception:  # noqa: BLE001 - an import never fails because of the agent
                        pass
            finally:
                _inside.active = False
            return code

        get_code.__wrapped__ = original  # type: ignore[attr-defined]
        loader.get_code = get_code  # type: ignore[method-assign]


def unwatch(listener: Callable[[str, types.CodeType], types.CodeType]) -> None:
    """Stops calling ``listener`` (the wrapped get_code stays, calling whoever still listens)."""
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)
