"""Where each probe's calls are in the program's code objects: put in, taken out.

Each code object takes all its probes in one rewrite of its original
(injector.py); removing the last restores the original. Functions already
loaded are found through the garbage collector (FileCode); a module loaded
later takes its pending probes into the code it is built from, before it runs.
Frames that were running a function's old code are served by running_frames.py.
"""

from __future__ import annotations

import linecache
import types
from dataclasses import dataclass, field

from . import running_frames
from .injector import ENTRY, EXIT, ArgsHit, FileCode, arguments, instrument, lines_of, starts_at
from .policy import AgentPolicy
from .probe import Probe, ProbeRefused

#: A code object's identity across its rewrites: file, first line, qualified name.
Key = tuple[str, int, str]


@dataclass
class Installed:
    path: str
    line: int
    probe: Probe
    #: Where each of its entries went: (code key, line or ENTRY/EXIT, the entry).
    entries: list = field(default_factory=list)
    #: Its runs for frames that were running the function's old code (running_frames.py).
    served: list = field(default_factory=list)
    #: What the active state says of those frames (or of a moved line), when there is something to say.
    served_note: str = ""


def key_of(code: types.CodeType) -> Key:
    return (code.co_filename, code.co_firstlineno, code.co_qualname)


def no_code(line: int, path: str) -> str:
    return f"no code at line {line} of {path} (blank, comment or closing brace); put the probe on a line with a statement"


def no_function(line: int) -> str:
    return f"no function with statements in its body starts at line {line}; give a tic-toc's function form the line where the function starts, or give an end line"


class CodePatches:
    def __init__(self, policy: AgentPolicy) -> None:
        self.policy = policy
        #: By code object: the original, what runs now, and the hits of every probe in it by line.
        self._patches: dict[Key, tuple[types.CodeType, types.CodeType, dict[int, list]]] = {}

    def install(self, installed: Installed) -> None:
        """Puts the probe into every code object at its line; raises ProbeRefused when it cannot go there. On any other failure what went in is taken out again before the error goes on."""
        path, line, probe = installed.path, installed.line, installed.probe
        source_lines = linecache.getlines(path)
        if line > len(source_lines):
            raise ProbeRefused("line-out-of-range", f"line {line} is past the end of {path} ({len(source_lines)} lines); the file the editor shows may differ from the one running")
        files = FileCode(path)
        if probe.whole_function:
            targets = [c for c in files.codes.values() if starts_at(c, line)]
            if not targets:
                raise ProbeRefused("no-code-at-line", no_function(line))
        else:
            targets = files.at(line)
            if not targets:
                raise ProbeRefused("no-code-at-line", no_code(line, path))
        for code in targets:
            blocked = self.policy.function_block_reason(code.co_qualname)
            if blocked is not None:
                raise ProbeRefused("blocked", blocked)
        if probe.end_line and not any(probe.end_line in lines_of(code) for code in targets):
            raise ProbeRefused("no-code-at-line", f"the end line: {no_code(probe.end_line, path)}")
        try:
            for code in targets:
                key = key_of(code)
                original, current, hits = self._patches.get(key, (code, code, {}))
                for site, entry in _sites(probe, code, line, _entry(probe, code, files)):
                    hits.setdefault(site, []).append(entry)
                    installed.entries.append((key, site, entry))
                self._patches[key] = (original, current, hits)
                new = instrument(original, hits)
                files.swap(current, new)
                self._patches[key] = (original, new, hits)
                if not probe.whole_function:  # a call running now began before the probe: it has no start to time from
                    _serve_running(installed, code, line)
        except Exception:
            self.take_out(installed)
            raise

    def module_code(self, code: types.CodeType, waiting: "dict[int, list[Installed]]") -> tuple[types.CodeType, set[int]]:
        """A module's code and the code it nests with the waiting probes of their lines, and which of them went in (by id of their Installed).

        On any failure nothing of it stays: the error goes on, and the module is to run its own code."""
        added: list[Key] = []
        placed: set[int] = set()
        try:
            return self._tree(code, waiting, placed, added), placed
        except Exception:
            for key in added:
                self._patches.pop(key, None)
            for entries in waiting.values():
                for installed in entries:
                    installed.entries.clear()
            raise

    def _tree(self, code: types.CodeType, waiting: "dict[int, list[Installed]]", placed: set[int], added: list[Key]) -> types.CodeType:
        """Nested code first, so that each parent holds its probed children."""
        consts = tuple(self._tree(c, waiting, placed, added) if isinstance(c, types.CodeType) else c for c in code.co_consts)
        tree = code.replace(co_consts=consts) if any(a is not b for a, b in zip(consts, code.co_consts)) else code
        key = key_of(code)
        hits: dict[int, list] = {}
        for line, entries in waiting.items():
            for installed in entries:
                sites = _sites(installed.probe, code, line, installed.probe.hit)
                for site, entry in sites:
                    hits.setdefault(site, []).append(entry)
                    installed.entries.append((key, site, entry))
                if sites:
                    placed.add(id(installed))
        if not hits:
            return tree
        new = instrument(tree, hits)
        self._patches[key] = (tree, new, hits)
        added.append(key)
        return new

    def take_out(self, installed: Installed) -> None:
        """The probe's calls out of every code object it went into; a code object left with none runs its original again."""
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
        installed.entries.clear()


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


def _serve_running(installed: Installed, code: types.CodeType, line: int) -> None:
    """Frames running the function now keep its old code: the main thread's are served by a scoped trace, the others are said."""
    probe = installed.probe
    elsewhere = []
    for frame, thread in running_frames.frames_running_key(key_of(code)):
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
