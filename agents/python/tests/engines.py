"""A probe engine that records what it sends, and modules written for a test and imported."""

import contextlib
import importlib
import sys

from sonde_agent.probes.engine import ProbeEngine


class Recorder:
    def __init__(self):
        self.states, self.lines, self.snapshots = [], [], []

    def line(self, action_id, text):
        self.lines.append((action_id, text))

    def snapshot(self, action_id, frames, watches, truncated):
        self.snapshots.append((action_id, frames, watches, truncated))

    def state(self, *s):
        self.states.append(s)


class Engine(ProbeEngine):
    """upsert(id, file, line, format, condition) for a log, and the recorded sink's lists."""

    def __init__(self, roots):
        self.recorder = Recorder()
        super().__init__(roots, self.recorder)
        self.states, self.lines, self.snapshots = self.recorder.states, self.recorder.lines, self.recorder.snapshots

    def log(self, action_id, file, line, fmt, condition=""):
        self.upsert(action_id, "log", file, line, fmt, condition)


@contextlib.contextmanager
def module(tmp_path, monkeypatch, name: str, source: str):
    """A module written into a folder on sys.path and imported; forgotten afterwards."""
    (tmp_path / f"{name}.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        yield importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)
