"""Turns actions into probes in this process and reports their states.

Today: logs and snapshots, in functions of modules already loaded (their code
objects found through the functions that run them). Each code object takes
all its probes in one rewrite of its original; removing the last restores
the original. States and their texts are messages.json's.
"""

from __future__ import annotations

import linecache
import os
import sys
import threading
import types
from dataclasses import dataclass
from typing import Callable, Protocol

from ..files.path_match import Ambiguous, Match, match_path_under
from .injector import ArgsHit, FileCode, arguments, instrument, lines_of
from .probe import CounterProbe, LogProbe, Probe, ProbeRefused, Sink, SnapshotProbe
from .quota import Quotas

ACTIVE, PENDING, ERROR = "active", "pending", "error"
_module_dict = types.ModuleType.__dict__["__dict__"].__get__


class Action(Protocol):
    """What the engine reads of a sonde.v1.Action."""

    id: str
    kind: int
    format: str
    condition: str


@dataclass
class _Installed:
    path: str
    line: int
    probe: Probe
    #: Where each of its entries went: (code key, the entry).
    entries: list = None  # type: ignore[assignment]


def loaded_files() -> list[str]:
    """The source files of the modules loaded now, read from each module's own dict (a lazy module's __getattr__ never runs)."""
    files = []
    for module in list(sys.modules.values()):
        if not isinstance(module, types.ModuleType):
            continue
        path = dict.get(_module_dict(module), "__file__")
        if type(path) is str and path.endswith(".py"):
            files.append(path if os.path.isabs(path) else os.path.abspath(path))
    return files


class ProbeEngine:
    def __init__(self, roots: list[str], sink: Sink) -> None:
        self.roots = roots
        self.sink = sink
        self.quotas = Quotas()
        self._lock = threading.Lock()
        self._installed: dict[str, _Installed] = {}
        #: By code object: the original, and the hits of every probe in it by line.
        self._patches: dict[tuple[str, int, str], tuple[types.CodeType, types.CodeType, dict[int, list[Callable[[], None]]]]] = {}

    def upsert(self, action_id: str, kind: str, file: str, line: int, fmt: str = "", condition: str = "", watches: "list[str] | None" = None) -> None:
        """Installs (or reinstalls) a log or a snapshot at ``file:line``; the state says how it went."""
        with self._lock:
            self._remove(action_id)
            try:
                path = self._resolve(file)
                quota = self.quotas.for_probe(kind)
                probe: Probe
                if kind == "log":
                    probe = LogProbe(action_id, fmt, condition, quota, self.sink)
                elif kind == "snapshot":
                    probe = SnapshotProbe(action_id, watches or [], condition, quota, self.sink)
                else:
                    probe = CounterProbe(action_id, condition, quota, self.sink)
                self._install(action_id, path, line, probe)
            except ProbeRefused as refused:
                self.sink.state(action_id, ERROR if refused.code != "file-not-loaded" else PENDING, refused.code, str(refused))
                return
            self.sink.state(action_id, ACTIVE, "", "")

    def probes(self) -> list[tuple[str, Probe]]:
        """The installed probes by action id, now."""
        return [(action_id, installed.probe) for action_id, installed in list(self._installed.items())]

    def probe(self, action_id: str) -> "Probe | None":
        installed = self._installed.get(action_id)
        return installed.probe if installed else None

    def remove(self, action_id: str) -> None:
        with self._lock:
            self._remove(action_id)

    def _resolve(self, file: str) -> str:
        found = match_path_under(file, loaded_files(), self.roots)
        if isinstance(found, Match):
            return found.path
        if isinstance(found, Ambiguous):
            shown = ", ".join(found.candidates[:10]) + (f" and {len(found.candidates) - 10} more" if len(found.candidates) > 10 else "")
            raise ProbeRefused("ambiguous-path", f"{file} matches several files equally well: {shown}; give more of the path")
        raise ProbeRefused("file-not-found", f"{file} is not loaded in this process and was not found under {', '.join(self.roots)}; check the path (relative to the workspace root) or start the agent with roots that hold it")

    def _install(self, action_id: str, path: str, line: int, probe: Probe) -> None:
        if line < 1:
            raise ProbeRefused("invalid-action", f"line {line} is not a line number: lines start at 1")
        source_lines = linecache.getlines(path)
        if line > len(source_lines):
            raise ProbeRefused("line-out-of-range", f"line {line} is past the end of {path} ({len(source_lines)} lines); the file the editor shows may differ from the one running")
        files = FileCode(path)
        targets = files.at(line)
        if not targets:
            raise ProbeRefused("no-code-at-line", f"no code at line {line} of {path} (blank, comment or closing brace); put the probe on a line with a statement")
        installed = _Installed(path, line, probe, [])
        for code in targets:
            key = (code.co_filename, code.co_firstlineno, code.co_qualname)
            original, current, hits = self._patches.get(key, (code, code, {}))
            entry = self._entry(probe, code, files)
            hits.setdefault(line, []).append(entry)
            new = instrument(original, hits)
            files.swap(current, new)
            self._patches[key] = (original, new, hits)
            installed.entries.append((key, entry))
        self._installed[action_id] = installed

    @staticmethod
    def _entry(probe: Probe, code: types.CodeType, files: FileCode):
        """The fast entry (the values of the arguments it reads, passed by the code) where the probe reads no other local; else the frame's."""
        functions = files.functions.get(id(code), [])
        if probe.needs_frame or not functions:
            return probe.hit
        args = arguments(code)
        local_names = set(code.co_varnames) | set(code.co_cellvars) | set(code.co_freevars)
        if not (probe.names & local_names) <= args:
            return probe.hit
        names = tuple(sorted(probe.names & args))
        return ArgsHit(probe.args_hit(names, functions[0].__globals__), names)

    def _remove(self, action_id: str) -> None:
        installed = self._installed.pop(action_id, None)
        if installed is None:
            return
        installed.probe.enabled = False  # frames running the old code now call a no-op
        files = FileCode(installed.path)
        for key, entry in installed.entries:
            if key not in self._patches:
                continue
            original, current, hits = self._patches[key]
            hits[installed.line] = [h for h in hits.get(installed.line, []) if h is not entry]
            if not hits[installed.line]:
                del hits[installed.line]
            new = instrument(original, hits) if hits else original
            files.swap(current, new)
            if hits:
                self._patches[key] = (original, new, hits)
            else:
                del self._patches[key]


__all__ = ["ProbeEngine", "loaded_files", "lines_of", "ACTIVE", "PENDING", "ERROR"]
