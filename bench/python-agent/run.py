"""Per-hit cost of the Python agent's probes, against no probe and against a
sys.settrace line tracer scoped to the function (what other Python agents
pay), in one run; the slowdown of functions without probes while probes are
active elsewhere; and Flask requests a second with and without the agent.

    .tools/python/bin/python bench/python-agent/run.py [--json-only]

Each row has its own copy of a 3-line function, loaded from its own file,
so that no row touches another's code. A row is the median of 7 rounds of
a tight loop; "added" is the row's time less the no-probe row's, both taken
in this run. Probes run with no quota (every hit does the whole work).
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sonde_agent.probes.engine import ProbeEngine
from sonde_agent.probes.quota import BUDGETS, Budget

CALLS = 200_000
ROUNDS = 7
INF = float("inf")
# No quota: every hit does the whole work, as a bench must see it.
for kind in list(BUDGETS):
    BUDGETS[kind] = Budget(BUDGETS[kind].title, INF, INF, INF, INF)

SOURCE = '''\
def work(i, x):
    cart = {"items": [i, x], "total": i + x}
    return cart["total"]


def other(i, x):
    cart = {"items": [i, x], "total": i + x}
    return cart["total"]
'''
PROBE_LINE = 3


class Discard:
    """The agent's sink without the network: each line or snapshot is kept in a bounded list, as the agent's queue keeps it."""

    def __init__(self):
        self.kept = 0

    def line(self, action_id, text):
        self.kept += 1

    def snapshot(self, action_id, frames, watches, truncated):
        self.kept += 1

    def state(self, *state):
        pass


def load(folder: Path, name: str):
    path = folder / f"{name}.py"
    path.write_text(SOURCE)
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module, str(path)


def per_call_ns(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for i in range(CALLS):
            fn(i, 2)
        times.append((time.perf_counter_ns() - start) / CALLS)
    return statistics.median(times)


def settrace_row(fn, line: int) -> float:
    """A tracer scoped to the function: the global hook sees every call, and returns a line tracer for this code only."""
    code = fn.__code__
    out = []

    def local(frame, event, arg):
        if event == "line" and frame.f_lineno == line:
            f = frame.f_locals
            out.append(f"i={f['i']} x={f['x']}")
            if len(out) > 10_000:
                out.clear()
        return local

    def global_(frame, event, arg):
        return local if frame.f_code is code else None

    sys.settrace(global_)
    try:
        return per_call_ns(fn)
    finally:
        sys.settrace(None)


def flask_rows() -> list[tuple[str, float]]:
    from flask import Flask

    import sonde_agent

    app = Flask("bench")

    @app.route("/<name>")
    def hello(name):
        return "Hello: " + name

    client = app.test_client()

    def rate(seconds=2.0) -> float:
        n, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            client.get("/aa")
            n += 1
        return n / seconds

    rate(0.5)
    without = statistics.median(rate() for _ in range(3))
    sonde_agent.start(gateway_url="")  # the agent loaded, idle (no gateway in a bench)
    with_agent = statistics.median(rate() for _ in range(3))
    return [("Flask requests/s, no agent", without), ("Flask requests/s, agent loaded, no probe", with_agent)]


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="sonde-bench-py-"))
    sink = Discard()
    engine = ProbeEngine([str(folder)], sink)
    rows: list[dict] = []

    def row(name: str, ns: float, base: float) -> None:
        rows.append({"row": name, "ns_per_call": round(ns, 1), "added_ns": round(ns - base, 1)})

    plain, _ = load(folder, "plain")
    base = per_call_ns(plain.work)
    row("no probe", base, base)

    log, path = load(folder, "log")
    engine.upsert("log", "log", path, PROBE_LINE, "i={i} x={x}")
    row('LOG "i={i} x={x}"', per_call_ns(log.work), base)

    false, path = load(folder, "false")
    engine.upsert("false", "log", path, PROBE_LINE, "i={i} x={x}", "i < 0")
    row("LOG, condition false", per_call_ns(false.work), base)

    counter, path = load(folder, "counter")
    engine.upsert("counter", "counter", path, PROBE_LINE)
    row("COUNTER", per_call_ns(counter.work), base)

    snapshot, path = load(folder, "snapshot")
    engine.upsert("snapshot", "snapshot", path, PROBE_LINE, hit_limit=10**9)  # no hit limit: every hit takes one
    global CALLS
    calls, CALLS = CALLS, 20_000  # a snapshot is microseconds: fewer calls
    row("SNAPSHOT (i, x, cart and the stack)", per_call_ns(snapshot.work), base)
    CALLS = calls

    traced, _ = load(folder, "traced")
    row('settrace tracer scoped to the function, same log', settrace_row(traced.work, traced.work.__code__.co_firstlineno + 2), base)

    # Functions without probes, while probes are active elsewhere: injection leaves their code alone, a tracer does not.
    # Rounds alternate (probes in, probes out) so that drift hits both alike; the spread of the no-probe rounds is the noise.
    on, off = [], []
    probes = [(a, k, p, f) for a, k, p, f in [("log", "log", log.__file__, "i={i} x={x}"), ("false", "log", false.__file__, "i={i} x={x}"), ("counter", "counter", counter.__file__, "")]]
    for _ in range(ROUNDS):
        for action_id, _kind, _path, _fmt in probes:
            engine.remove(action_id)
        off.append(per_call_ns(plain.other, rounds=1))
        for action_id, kind, file, fmt in probes:
            engine.upsert(action_id, kind, file, PROBE_LINE, fmt, "i < 0" if action_id == "false" else "")
        on.append(per_call_ns(plain.other, rounds=1))
    base_other, with_probes = statistics.median(off), statistics.median(on)
    noise = (max(off) - min(off)) / base_other * 100
    rows.append({"row": "other function, no probe anywhere", "ns_per_call": round(base_other, 1), "added_ns": 0.0})
    rows.append({"row": "other function, 3 probes active elsewhere (injection)", "ns_per_call": round(with_probes, 1), "added_ns": round(with_probes - base_other, 1), "percent": round((with_probes - base_other) / base_other * 100, 2), "noise_percent": round(noise, 2)})
    unrelated_base = base_other

    def traced_other():
        code = traced.work.__code__

        def global_(frame, event, arg):
            return None if frame.f_code is not code else global_

        sys.settrace(global_)
        try:
            return per_call_ns(plain.other)
        finally:
            sys.settrace(None)

    row("other function, settrace tracer active elsewhere", traced_other(), unrelated_base)
    flask = flask_rows()
    for name, value in flask:
        rows.append({"row": name, "requests_per_s": round(value)})

    if "--json-only" not in sys.argv:
        print(f"Python {sys.version.split()[0]}, {CALLS:,} calls a round, median of {ROUNDS} rounds\n")
        print("| row | ns a call | added a hit |")
        print("| --- | ---: | ---: |")
        for r in rows:
            if "ns_per_call" in r:
                extra = f" ({r['percent']:+.2f} %, noise ±{r['noise_percent']:.2f} %)" if "percent" in r else ""
                print(f"| {r['row']} | {r['ns_per_call']:.1f} | {r['added_ns']:+.1f}{extra} |")
        print()
        print("| Flask (test client, in process) | requests/s |")
        print("| --- | ---: |")
        for r in rows:
            if "requests_per_s" in r:
                print(f"| {r['row']} | {r['requests_per_s']:,} |")
        print()
    print(json.dumps({"bench": "python-agent", "python": sys.version.split()[0], "rows": rows}))


main()
