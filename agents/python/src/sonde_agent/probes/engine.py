"""Turns actions into probes in this process and reports their states.

Probes of every kind: in functions of modules already loaded (their
code objects found through the functions that run them), and in modules
loaded later, whose code takes its pending probes before it runs (module-level
lines too; import_watch.py). Each code object takes all its probes in one
rewrite of its original; removing the last restores the original. States and
their texts are messages.json's.
"""

from __future__ import annotations

import linecache
import os
import threading
import types
from dataclasses import dataclass, field
from typing import Callable

from ..files.line_match import EditorLine
from ..files.on_disk import find_on_disk
from ..files.path_match import Ambiguous, Match
from . import import_watch, running_frames
from .injector import ENTRY, EXIT, ArgsHit, FileCode, arguments, instrument, lines_of, starts_at
from .aggregate_probes import CounterProbe, MetricProbe, TicTocProbe
from .capture import Limits
from .log_probe import LogProbe
from .probe import Probe, ProbeRefused, Sink
from .snapshot_probe import SnapshotProbe
from .where import ambiguous, placed_line, resolve
from .policy import AgentPolicy
from .quota import Quotas

ACTIVE, PENDING, ERROR = "active", "pending", "error"


@dataclass
class _Installed:
    path: str
    line: int
    probe: Probe
    #: Where each of its entries went: (code key, line, the entry).
    entries: list = field(default_factory=list)
    #: Its runs for frames that were running the function's old code (running_frames.py).
    served: list = field(default_factory=list)
    #: What the active state says of those frames, when there were any.
    served_note: str = ""


class ProbeEngine:
    def __init__(self, roots: list[str], sink: Sink) -> None:
        self.roots = roots
        self.sink = sink
        self.quotas = Quotas()
        self.policy = AgentPolicy()
        #: Probes waiting for their file to load, by the file's real path: (action id, line, probe).
        self._pending: dict[str, list[tuple[str, int, Probe]]] = {}
        # Reentrant: an import made while the engine holds it (by a probe's set-up) comes back through the import hook.
        self._lock = threading.RLock()
        self._installed: dict[str, _Installed] = {}
        #: By code object: the original, and the hits of every probe in it by line.
        self._patches: dict[tuple[str, int, str], tuple[types.CodeType, types.CodeType, dict[int, list[Callable[[], None]]]]] = {}
        import_watch.watch(self._module_compiled)

    def upsert(self, action_id: str, kind: str, file: str, line: int, fmt: str = "", condition: str = "", watches: "list[str] | None" = None, hit_limit: int = 0, end_line: int = 0, editor: "EditorLine | None" = None, limits: "Limits | None" = None) -> None:
        """Installs (or reinstalls) a probe of ``kind`` at ``file:line``; the state says how it went."""
        with self._lock:
            self._remove(action_id)
            try:
                if not file:
                    raise ProbeRefused("invalid-action", "the probe has no file: give a path relative to the workspace")
                if line < 1:
                    raise ProbeRefused("invalid-action", f"line {line} is not a line number: lines start at 1")
                blocked = self.policy.block_reason(file)
                if blocked is not None:
                    raise ProbeRefused("blocked", blocked)
                path = resolve(file, self.roots)
                quota = self.quotas.for_probe(kind)
                probe: Probe
                if kind == "log":
                    probe = LogProbe(action_id, fmt, condition, quota, self.sink, self.policy.redaction)
                elif kind == "snapshot":
                    probe = SnapshotProbe(action_id, watches or [], condition, quota, self.sink, limits=limits or Limits(), hit_limit=hit_limit, redaction=self.policy.redaction)
                elif kind == "metric":
                    probe = MetricProbe(action_id, (watches or [""])[0], condition, quota, self.sink)
                elif kind == "tictoc":
                    probe = TicTocProbe(action_id, line, end_line, condition, quota, self.sink)
                else:
                    probe = CounterProbe(action_id, condition, quota, self.sink)
                if path is None:
                    return self._wait_for(action_id, file, line, probe, editor)
                line, moved = placed_line(path, line, editor)
                self._install(action_id, path, line, probe)
                if moved:
                    self._installed[action_id].served_note = "; ".join(n for n in (moved, self._installed[action_id].served_note) if n)
            except ProbeRefused as refused:
                self.sink.state(action_id, ERROR if refused.code != "file-not-loaded" else PENDING, refused.code, str(refused))
                return
            self.sink.state(action_id, ACTIVE, *self._running_note(action_id))

    def _running_note(self, action_id: str) -> tuple[str, str]:
        """The active state's code and text: plain, or what serves the frames that were running the old code."""
        installed = self._installed.get(action_id)
        note = installed.served_note if installed is not None else ""
        return ("installed", note) if note else ("", "")

    def set_policy(self, names=(), patterns=(), blocked_files=(), blocked_functions=(), quotas: "dict[str, dict[str, float]] | None" = None) -> list[str]:
        """Applies the gateway's policy to every probe, installed ones too: a probe it now blocks is taken out, saying why; budgets change at the next hit."""
        with self._lock:
            self.quotas.apply(quotas or {})
            refused = self.policy.set(names, patterns, blocked_files, blocked_functions)
            for action_id, installed in list(self._installed.items()):
                why = self.policy.block_reason(installed.path) or next((r for r in (self.policy.function_block_reason(k[2]) for k, _, _ in installed.entries) if r), None)
                if why is not None:
                    self._remove(action_id)
                    self.sink.state(action_id, ERROR, "blocked", why)
            return refused

    def probes(self) -> list[tuple[str, Probe]]:
        """The installed probes by action id, now."""
        return [(action_id, installed.probe) for action_id, installed in list(self._installed.items())]

    def probe(self, action_id: str) -> "Probe | None":
        installed = self._installed.get(action_id)
        return installed.probe if installed else None

    def remove(self, action_id: str) -> None:
        with self._lock:
            self._remove(action_id)

    def _wait_for(self, action_id: str, file: str, line: int, probe: Probe, editor: "EditorLine | None" = None) -> None:
        """Not loaded: pending while the file is on disk under the roots (it goes in when it loads), else not found."""
        found = find_on_disk(file, self.roots)
        if isinstance(found, Ambiguous):
            raise ambiguous(file, found)
        if not isinstance(found, Match):
            raise ProbeRefused("file-not-found", f"{file} is not loaded in this process and was not found under {', '.join(self.roots)}; check the path (relative to the workspace root) or start the agent with roots that contain it")
        line, _moved = placed_line(found.path, line, editor)
        self._pending.setdefault(found.path, []).append((action_id, line, probe))
        self._installed[action_id] = _Installed(found.path, line, probe)
        self.sink.state(action_id, PENDING, "file-not-loaded", f"{found.path} is not loaded yet; the probe goes in when it loads")

    def _module_compiled(self, path: str, code: types.CodeType) -> types.CodeType:
        """A module's code, before it runs: with the probes that wait for its file."""
        with self._lock:
            waiting = self._pending.pop(os.path.realpath(path), None)
            if not waiting:
                return code
            by_line: dict[int, list[tuple[str, Probe]]] = {}
            for action_id, line, probe in waiting:
                if self._installed.get(action_id, _Installed("", 0, probe)).probe is probe:
                    by_line.setdefault(line, []).append((action_id, probe))
            placed: set[str] = set()
            code = self._probe_tree(code, by_line, placed)
            for action_id, line, probe in waiting:
                if action_id not in self._installed or self._installed[action_id].probe is not probe:
                    continue
                self._installed[action_id].path = path
                if action_id in placed:
                    self.sink.state(action_id, ACTIVE, "", "")
                else:
                    del self._installed[action_id]
                    self.sink.state(action_id, ERROR, "no-code-at-line", _no_function(line) if probe.whole_function else _no_code(line, path))
            return code

    def _probe_tree(self, code: types.CodeType, by_line: "dict[int, list[tuple[str, Probe]]]", placed: set[str]) -> types.CodeType:
        """``code`` and the code it nests, with the probes of their lines (nested first, so each parent holds its probed children)."""
        consts = tuple(self._probe_tree(c, by_line, placed) if isinstance(c, types.CodeType) else c for c in code.co_consts)
        tree = code.replace(co_consts=consts) if any(a is not b for a, b in zip(consts, code.co_consts)) else code
        key = (code.co_filename, code.co_firstlineno, code.co_qualname)
        hits: dict[int, list] = {}
        for line, entries in by_line.items():
            for action_id, probe in entries:
                sites = _sites(probe, code, line, probe.hit)
                for site, entry in sites:
                    hits.setdefault(site, []).append(entry)
                    self._installed[action_id].entries.append((key, site, entry))
                if sites:
                    placed.add(action_id)
        if not hits:
            return tree
        new = instrument(tree, hits)
        self._patches[key] = (tree, new, hits)
        return new

    def _install(self, action_id: str, path: str, line: int, probe: Probe) -> None:
        source_lines = linecache.getlines(path)
        if line > len(source_lines):
            raise ProbeRefused("line-out-of-range", f"line {line} is past the end of {path} ({len(source_lines)} lines); the file the editor shows may differ from the one running")
        files = FileCode(path)
        if probe.whole_function:
            targets = [c for c in files.codes.values() if starts_at(c, line)]
            if not targets:
                raise ProbeRefused("no-code-at-line", _no_function(line))
        else:
            targets = files.at(line)
            if not targets:
                raise ProbeRefused("no-code-at-line", _no_code(line, path))
        for code in targets:
            blocked = self.policy.function_block_reason(code.co_qualname)
            if blocked is not None:
                raise ProbeRefused("blocked", blocked)
        end_line = probe.end_line
        if end_line and not any(end_line in lines_of(code) for code in targets):
            raise ProbeRefused("no-code-at-line", f"the end line: {_no_code(end_line, path)}")
        installed = _Installed(path, line, probe)
        for code in targets:
            key = (code.co_filename, code.co_firstlineno, code.co_qualname)
            original, current, hits = self._patches.get(key, (code, code, {}))
            for site, entry in _sites(probe, code, line, self._entry(probe, code, files)):
                hits.setdefault(site, []).append(entry)
                installed.entries.append((key, site, entry))
            new = instrument(original, hits)
            files.swap(current, new)
            self._patches[key] = (original, new, hits)
            if not probe.whole_function:  # a call running now began before the probe: it has no start to time from
                self._serve_running(installed, code, line)
        self._installed[action_id] = installed

    @staticmethod
    def _serve_running(installed: _Installed, code: types.CodeType, line: int) -> None:
        """Frames running the function now keep its old code: the main thread's are served by a scoped trace, the others are said."""
        key = (code.co_filename, code.co_firstlineno, code.co_qualname)
        probe = installed.probe
        elsewhere = []
        for frame, thread in running_frames.frames_running_key(key):
            if thread is not None and thread is running_frames.main_thread():

                def run(f, probe=probe) -> None:
                    if probe.enabled:
                        probe.run(f.f_locals, f.f_globals, f)

                if running_frames.serve(frame, line, run):
                    installed.served.append(run)
                    installed.served_note = f"installed; the call of {code.co_qualname} running now in the main thread is served by a trace on its frame alone until it returns"
                    continue
            elsewhere.append(thread.name if thread is not None else "a thread")
        if elsewhere:
            installed.served_note = f"installed; {code.co_qualname} is running now in {', '.join(sorted(set(elsewhere)))}, whose running call keeps the old code: the probe fires from its next call"

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
        for waiting in self._pending.values():
            waiting[:] = [w for w in waiting if w[0] != action_id]
        installed.probe.enabled = False  # frames running the old code now call a no-op
        for run in installed.served:
            running_frames.release(run)
        files = FileCode(installed.path)
        for key, line, entry in installed.entries:
            if key not in self._patches:
                continue
            original, current, hits = self._patches[key]
            hits[line] = [h for h in hits.get(line, []) if h is not entry]
            if not hits[line]:
                del hits[line]
            new = instrument(original, hits) if hits else original
            files.swap(current, new)
            if hits:
                self._patches[key] = (original, new, hits)
            else:
                del self._patches[key]


def _no_code(line: int, path: str) -> str:
    return f"no code at line {line} of {path} (blank, comment or closing brace); put the probe on a line with a statement"


def _no_function(line: int) -> str:
    return f"no function with statements in its body starts at line {line}; give a tic-toc's function form the line where the function starts, or give an end line"


def _sites(probe: Probe, code: types.CodeType, line: int, entry) -> list:
    """Where ``probe`` goes in ``code``, as (line or ENTRY/EXIT, the call there); empty when not in this code object.

    ``entry`` is the call at its line (one object, kept: removal finds it by identity)."""
    if probe.whole_function:
        return [(ENTRY, entry), (EXIT, probe.toc)] if starts_at(code, line) else []  # type: ignore[attr-defined]
    lines = lines_of(code)
    if line not in lines:
        return []
    sites = [(line, entry)]
    if probe.end_line and probe.end_line in lines:
        sites.append((probe.end_line, probe.toc))  # type: ignore[attr-defined]
    return sites


__all__ = ["ProbeEngine", "ACTIVE", "PENDING", "ERROR"]
