"""Turns actions into probes in this process and reports their states.

Probes of every kind: in functions of modules already loaded, and in
modules loaded later, whose code takes its pending probes before it runs
(module-level lines too; import_watch.py); the code objects themselves are
code_patches.py's. At most SONDE_MAX_PROBES probes are held at once: past
that an action waits, in order, for room. Nothing the engine does raises
into the program: its own failures are internal-error states. States and
their texts are messages.json's.
"""

from __future__ import annotations

import os
import threading
import types

from ..files.line_match import EditorLine
from ..files.on_disk import find_on_disk
from ..files.path_match import Ambiguous, Match
from . import import_watch
from .aggregate_probes import CounterProbe, MetricProbe, TicTocProbe
from .capture import Limits
from .code_patches import CodePatches, Installed, no_code, no_function
from .log_probe import LogProbe
from .probe import Probe, ProbeRefused, Sink
from .snapshot_probe import SnapshotProbe
from .where import ambiguous, placed_line, resolve
from .policy import AgentPolicy
from .quota import Quotas

ACTIVE, PENDING, ERROR = "active", "pending", "error"
#: Probes held at once unless SONDE_MAX_PROBES says otherwise (the Node.js agent's default).
DEFAULT_MAX_PROBES = 5000


def _error_text(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"


class ProbeEngine:
    def __init__(self, roots: list[str], sink: Sink, max_probes: int = DEFAULT_MAX_PROBES) -> None:
        self.roots = roots
        self.sink = sink
        self.max_probes = max_probes
        self.quotas = Quotas()
        self.policy = AgentPolicy()
        self.code = CodePatches(self.policy)
        self.stopped = False
        #: Probes waiting for their file to load, by the file's real path.
        self._pending: dict[str, list[Installed]] = {}
        #: Actions past the probe limit, in the order they came: each one's upsert arguments.
        self._parked: dict[str, tuple] = {}
        # Reentrant: an import made while the engine holds it (by a probe's set-up) comes back through the import hook.
        self._lock = threading.RLock()
        self._installed: dict[str, Installed] = {}
        import_watch.watch(self._module_compiled)

    def upsert(self, action_id: str, kind: str, file: str, line: int, fmt: str = "", condition: str = "", watches: "list[str] | None" = None, hit_limit: int = 0, end_line: int = 0, editor: "EditorLine | None" = None, limits: "Limits | None" = None) -> None:
        """Installs (or reinstalls) a probe of ``kind`` at ``file:line``; the state says how it went. Never raises."""
        with self._lock:
            try:
                self._remove(action_id)
                self._upsert(action_id, kind, file, line, fmt, condition, watches, hit_limit, end_line, editor, limits)
            except ProbeRefused as refused:
                self.sink.state(action_id, ERROR if refused.code != "file-not-loaded" else PENDING, refused.code, str(refused))
            except Exception as err:  # noqa: BLE001 - the engine's own fault is a state, never the program's exception
                self._installed.pop(action_id, None)
                self.sink.state(action_id, ERROR, "internal-error", f"internal error while installing the probe: {_error_text(err)}")

    def _upsert(self, action_id, kind, file, line, fmt, condition, watches, hit_limit, end_line, editor, limits) -> None:
        if self.stopped:
            raise ProbeRefused("agent-unavailable", "the probe engine was stopped; start a new one to install probes")
        if not file:
            raise ProbeRefused("invalid-action", "the probe has no file: give a path relative to the workspace")
        if line < 1:
            raise ProbeRefused("invalid-action", f"line {line} is not a line number: lines start at 1")
        if len(self._installed) >= self.max_probes:
            self._parked[action_id] = (kind, file, line, fmt, condition, watches, hit_limit, end_line, editor, limits)
            raise ProbeRefused("probe-limit", f"this agent already holds {self.max_probes} probes, its limit (SONDE_MAX_PROBES); remove some actions or raise the limit (this one goes in when there is room)")
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
        installed = Installed(path, line, probe)
        try:
            self.code.install(installed)
        except ProbeRefused:
            raise
        except Exception as err:  # noqa: BLE001
            raise ProbeRefused("internal-error", f"could not install the probe: {_error_text(err)}") from None
        installed.served_note = "; ".join(n for n in (moved, installed.served_note) if n)
        self._installed[action_id] = installed
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
            self._make_room()
            return refused

    def probes(self) -> list[tuple[str, Probe]]:
        """The installed probes by action id, now."""
        return [(action_id, installed.probe) for action_id, installed in list(self._installed.items())]

    def probe(self, action_id: str) -> "Probe | None":
        installed = self._installed.get(action_id)
        return installed.probe if installed else None

    def remove(self, action_id: str) -> None:
        with self._lock:
            self._parked.pop(action_id, None)
            self._remove(action_id)
            self._make_room()

    def retain(self, action_ids: "set[str]") -> None:
        """Removes every probe and waiting action whose id is not among these (the gateway's whole set, on reconnecting)."""
        with self._lock:
            for action_id in [a for a in self._parked if a not in action_ids]:
                del self._parked[action_id]
            for action_id in [a for a in self._installed if a not in action_ids]:
                self._remove(action_id)
            self._make_room()

    def stop(self) -> None:
        """Takes every probe out (each function runs its original code again) and installs none from now on."""
        with self._lock:
            self.stopped = True
            self._parked.clear()
            for action_id in list(self._installed):
                self._remove(action_id)
            import_watch.unwatch(self._module_compiled)

    def _make_room(self) -> None:
        """Actions past the probe limit go in, in the order they came, while there is room."""
        while self._parked and len(self._installed) < self.max_probes:
            action_id = next(iter(self._parked))
            args = self._parked.pop(action_id)
            self.upsert(action_id, *args)

    def _wait_for(self, action_id: str, file: str, line: int, probe: Probe, editor: "EditorLine | None" = None) -> None:
        """Not loaded: pending while the file is on disk under the roots (it goes in when it loads), else not found."""
        found = find_on_disk(file, self.roots)
        if isinstance(found, Ambiguous):
            raise ambiguous(file, found)
        if not isinstance(found, Match):
            raise ProbeRefused("file-not-found", f"{file} is not loaded in this process and was not found under {', '.join(self.roots)}; check the path (relative to the workspace root) or start the agent with roots that contain it")
        line, _moved = placed_line(found.path, line, editor)
        installed = Installed(found.path, line, probe)
        self._pending.setdefault(found.path, []).append(installed)
        self._installed[action_id] = installed
        self.sink.state(action_id, PENDING, "file-not-loaded", f"{found.path} is not loaded yet; the probe goes in when it loads")

    def _module_compiled(self, path: str, code: types.CodeType) -> types.CodeType:
        """A module's code, before it runs: with the probes that wait for its file (its own code when they cannot go in)."""
        with self._lock:
            waiting = [w for w in self._pending.pop(os.path.realpath(path), []) if self._installed.get(w.probe.action_id) is w]
            if not waiting:
                return code
            by_line: dict[int, list[Installed]] = {}
            for installed in waiting:
                installed.path = path
                by_line.setdefault(installed.line, []).append(installed)
            try:
                code, placed = self.code.module_code(code, by_line)
            except Exception as err:  # noqa: BLE001 - the module runs its own code: an import never fails because of the agent
                for installed in waiting:
                    del self._installed[installed.probe.action_id]
                    self.sink.state(installed.probe.action_id, ERROR, "internal-error", f"could not install the probe when {path} loaded: {_error_text(err)}")
                self._make_room()
                return code
            for installed in waiting:
                action_id = installed.probe.action_id
                if id(installed) in placed:
                    self.sink.state(action_id, ACTIVE, "", "")
                else:
                    del self._installed[action_id]
                    self.sink.state(action_id, ERROR, "no-code-at-line", no_function(installed.line) if installed.probe.whole_function else no_code(installed.line, path))
            self._make_room()
            return code

    def _remove(self, action_id: str) -> None:
        installed = self._installed.pop(action_id, None)
        if installed is None:
            return
        for waiting in self._pending.values():
            waiting[:] = [w for w in waiting if w is not installed]
        self.code.take_out(installed)


__all__ = ["ProbeEngine", "ACTIVE", "PENDING", "ERROR"]
