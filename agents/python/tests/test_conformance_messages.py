"""protocol/conformance/messages.json: the text and reason code of each state, reached by a real engine on a real file.

Each id the Python engine can reach has a driver here; the others are
skipped, each with why (they are about machinery this agent does not have,
or not yet).
"""

import importlib
import importlib.util
import sys

import pytest

from sonde_agent._proto.sonde.v1 import action_pb2, common_pb2
from sonde_agent.agent import AGENT_NAME, Agent
from sonde_agent.config import Config
from sonde_agent.probes import code_patches
from sonde_agent.probes import engine as engine_module
from sonde_agent.probes.engine import ProbeEngine

from conformance import cases

SOURCE = "def f(a):\n    b = a + 1\n\n    return b\n\n\ndef g(x):\n    return x"  # no final newline: 8 lines


class Recorder:
    def __init__(self):
        self.states = []
        self.lines = []

    def line(self, action_id, text):
        self.lines.append(text)

    def snapshot(self, *a):
        pass

    def state(self, action_id, state, code, message):
        self.states.append((action_id, state, code, message))


@pytest.fixture()
def world(tmp_path, monkeypatch):
    (tmp_path / "msgapp.py").write_text(SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("msgapp")
    recorder = Recorder()
    engine = ProbeEngine([str(tmp_path)], recorder)
    yield tmp_path, module, engine, recorder, monkeypatch
    engine.stop()
    sys.modules.pop("msgapp", None)


def drive(case_id, world):
    """Brings the engine to the case's state; returns (state, code, text, values for the placeholders)."""
    tmp_path, module, engine, rec, monkeypatch = world
    path = module.__file__

    def last():
        return rec.states[-1][1:]

    if case_id in ("quota-paused", "quota-paused-snapshot"):
        kind = "log" if case_id == "quota-paused" else "snapshot"
        engine.upsert("q", kind, "msgapp.py", 2, "a={a}", hit_limit=1000)
        for i in range(300):
            module.f(i)
        return next(s[1:] for s in rec.states if s[1] == "paused"), {}
    if case_id == "blocked-file":
        engine.set_policy(blocked_files=["msgapp.py"])
        engine.upsert("b", "log", "msgapp.py", 2, "x")
        return last(), {"file": "msgapp.py", "glob": "msgapp.py"}
    if case_id == "line-out-of-range":
        engine.upsert("o", "log", "msgapp.py", 40, "x")
        return last(), {"line": "40", "path": path, "lines": "8"}
    if case_id == "no-code-at-line":
        engine.upsert("n", "log", "msgapp.py", 3, "x")
        return last(), {"line": "3", "path": path}
    if case_id == "file-not-loaded":
        (tmp_path / "later_msgs.py").write_text("x = 1\n")
        engine.upsert("l", "log", "later_msgs.py", 1, "x")
        return last(), {"path": str((tmp_path / "later_msgs.py").resolve())}
    if case_id == "file-not-found":
        engine.upsert("f", "log", "nowhere.py", 1, "x")
        return last(), {"file": "nowhere.py", "roots": str(tmp_path)}
    if case_id in ("ambiguous-path", "ambiguous-path-many"):
        n = 2 if case_id == "ambiguous-path" else 12
        files = []
        for k in range(n):
            (tmp_path / f"d{k:02d}").mkdir()
            (tmp_path / f"d{k:02d}" / "same.py").write_text("x = 1\n")
            spec = importlib.util.spec_from_file_location(f"same_{k}", tmp_path / f"d{k:02d}" / "same.py")
            loaded = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = loaded
            spec.loader.exec_module(loaded)
            files.append(loaded.__file__)
        engine.upsert("a", "log", "same.py", 1, "x")
        for k in range(n):
            sys.modules.pop(f"same_{k}", None)
        files.sort()
        shown = ", ".join(files[:10]) + (f" and {n - 10} more" if n > 10 else "")
        return last(), {"file": "same.py", "candidates": shown}
    if case_id == "tictoc-end-before-start":
        engine.upsert("t", "tictoc", "msgapp.py", 4, end_line=2)
        return last(), {"end": "2", "line": "4"}
    if case_id == "tictoc-no-function":
        engine.upsert("t", "tictoc", "msgapp.py", 2)
        return last(), {"line": "2"}
    if case_id == "tictoc-end-no-code":
        engine.upsert("t", "tictoc", "msgapp.py", 2, end_line=3)
        return last(), {"line": "3", "path": path}
    if case_id in ("condition-invalid", "condition-unsafe", "format-invalid", "format-unsafe"):
        bad = {"condition-invalid": ("", "a +"), "condition-unsafe": ("", "f()"), "format-invalid": ("{a +", ""), "format-unsafe": ("{f()}", "")}[case_id]
        engine.upsert("c", "log", "msgapp.py", 2, bad[0], bad[1])
        return last(), {"error": last()[2].split(": ", 1)[1].rsplit("; nothing was installed", 1)[0]}
    if case_id == "condition-failing":
        engine.upsert("c", "log", "msgapp.py", 2, "x", "nothing_here > 1")
        module.f(1)
        return last(), {}
    if case_id == "probe-limit":
        engine.max_probes = 1
        engine.upsert("a", "log", "msgapp.py", 2, "x")
        engine.upsert("b", "log", "msgapp.py", 4, "x")
        held = last()
        engine.remove("a")
        assert rec.states[-1] == ("b", "active", "", ""), "it goes in when there is room"
        return held, {"held": "1"}
    if case_id == "agent-stopped":
        engine.stop()
        engine.upsert("s", "log", "msgapp.py", 2, "x")
        return last(), {}
    if case_id in ("internal-upsert", "internal-place", "internal-load"):
        def injected(*a, **k):
            raise RuntimeError("injected")

        if case_id == "internal-upsert":
            monkeypatch.setattr(engine_module, "resolve", injected)
            engine.upsert("i", "log", "msgapp.py", 2, "x")
            assert last()[2].endswith("RuntimeError: injected")
            return last(), {}
        monkeypatch.setattr(code_patches, "instrument", injected)
        if case_id == "internal-place":
            engine.upsert("i", "log", "msgapp.py", 2, "x")
            assert module.f(1) == 2, "the function runs its own code"
            return last(), {"error": "RuntimeError: injected"}
        (tmp_path / "loads_later.py").write_text("value = 6 * 7\n")
        engine.upsert("i", "log", "loads_later.py", 1, "x")
        loaded = importlib.import_module("loads_later")
        sys.modules.pop("loads_later", None)
        assert loaded.value == 42, "the module runs its own code"
        return last(), {"path": str((tmp_path / "loads_later.py").resolve()), "error": "RuntimeError: injected"}
    if case_id == "unsupported-kind":
        agent = Agent(Config(agent_id="python-test", roots=[str(tmp_path)]), log=lambda m: None)
        agent.state = rec.state
        agent._upsert(action_pb2.Action(id="k", kind=77, location=common_pb2.Location(file="msgapp.py", line=2)))
        return last(), {"kind": "action kind 77", "agent": AGENT_NAME, "kinds": "logs, snapshots, counters, metrics and tic-tocs"}
    if case_id == "condition-failing-line":
        engine.upsert("c", "log", "msgapp.py", 2, "x", "nothing_here > 1")
        module.f(1)
        module.f(2)
        assert len(rec.lines) == 1, "said once"
        return ("", "", rec.lines[0]), {}
    if case_id == "tictoc-across-files":
        engine.upsert("t", "tictoc", "msgapp.py", 2, end_line=-1)
        return last(), {}
    if case_id == "line-failing":
        engine.upsert("c", "log", "msgapp.py", 2, "{nothing_here}")
        module.f(1)
        return last(), {}
    if case_id == "not-a-line":
        engine.upsert("z", "log", "msgapp.py", 0, "x")
        return last(), {"line": "0"}
    if case_id == "no-file":
        engine.upsert("z", "log", "", 1, "x")
        return last(), {}
    return None, None


NOT_HERE = {
    "agent-start-failed": "the Python engine has nothing that can fail to start (no inspector session): start()'s own failures are said on stderr",
    "log-fields-not-text": "protobuf gives Python strings: a format or condition cannot be anything else",
}


def fill(template, values, free):
    out = template
    for k, v in values.items():
        out = out.replace("{" + k + "}", v)
    return out


@pytest.mark.parametrize("case", cases("messages.json"))
def test_messages(case, world):
    if case["id"] in NOT_HERE:
        pytest.skip(NOT_HERE[case["id"]])
    got, values = drive(case["id"], world)
    assert got is not None, f"no driver for {case['id']}"
    state, code, text = got
    if case.get("as") != "line":
        assert (state, code) == (case["state"], case["code"]), text
    free = case.get("free", [])
    if free:
        prefix, _, suffix = fill(case["template"], values, free).partition("{" + free[0] + "}")
        assert text.startswith(prefix) and text.endswith(suffix) and len(text) > len(prefix) + len(suffix), text
    else:
        assert text == fill(case["template"], values, free)
