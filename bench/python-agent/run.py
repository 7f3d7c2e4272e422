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

import gc
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sonde_agent.probes.engine import ProbeEngine
from sonde_agent.probes.quota import BUDGETS, Budget

CALLS = 200_000
ROUNDS = 7
#: Alternating rounds (probes out, probes in) for the slowdown of functions without probes.
PAIRS = 41
#: Alternating processes (the app alone, the app with the agent) for Flask's requests a second.
FLASK_PAIRS = 5
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
    """Requests a second in separate processes, alternating: the app alone, and under ``python -m sonde_agent``
    with its thread running (a gateway URL on a closed port: it keeps trying to connect, with backoff)."""
    script = str(Path(__file__).with_name("flask_rate.py"))
    env = {**os.environ, "SONDE_GATEWAY_URL": "http://127.0.0.1:9"}
    without, with_agent = [], []
    for _ in range(FLASK_PAIRS):
        without.append(float(subprocess.run([sys.executable, script], capture_output=True, text=True, check=True).stdout))
        with_agent.append(float(subprocess.run([sys.executable, "-m", "sonde_agent", script], capture_output=True, text=True, check=True, env=env).stdout))
    return [("Flask requests/s, no agent", statistics.median(without)), ("Flask requests/s, agent running, no probe", statistics.median(with_agent))]


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
    # Rounds alternate (probes out, probes in) so that drift hits both alike; each pair gives a ratio, and the
    # spread of the ratios (their interquartile range) is the noise the median ratio is read against.
    original = plain.other.__code__
    on, off, ratios = [], [], []
    probes = [("log", "log", log.__file__, "i={i} x={x}"), ("false", "log", false.__file__, "i={i} x={x}"), ("counter", "counter", counter.__file__, "")]
    calls, CALLS = CALLS, 50_000
    def measure(probes_in: bool) -> float:
        for action_id, kind, file, fmt in probes:
            if probes_in:
                engine.upsert(action_id, kind, file, PROBE_LINE, fmt, "i < 0" if action_id == "false" else "")
            else:
                engine.remove(action_id)
        gc.collect()  # the install's garbage is not collected in the other half's time
        return per_call_ns(plain.other, rounds=1)

    for k in range(PAIRS):
        # Half the pairs measure with probes first: whatever favours the first (or second) of two rounds cancels out.
        if k % 2:
            on.append(measure(True))
            off.append(measure(False))
        else:
            off.append(measure(False))
            on.append(measure(True))
        ratios.append(on[-1] / off[-1])
    CALLS = calls
    untouched = plain.other.__code__ is original
    base_other, with_probes = statistics.median(off), statistics.median(on)
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    percent = (statistics.median(ratios) - 1) * 100
    rows.append({"row": "other function, no probe anywhere", "ns_per_call": round(base_other, 1), "added_ns": 0.0})
    rows.append({"row": "other function, 3 probes active elsewhere (injection)", "ns_per_call": round(with_probes, 1), "added_ns": round(with_probes - base_other, 1), "percent": round(percent, 2), "noise_percent": round((q3 - q1) / 2 * 100, 2), "pairs": PAIRS, "code_untouched": untouched, "fastest_percent": round((min(on) / min(off) - 1) * 100, 2)})
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
                extra = f" ({r['percent']:+.2f} % median of {r['pairs']} paired rounds, noise ±{r['noise_percent']:.2f} %; fastest round against fastest round {r['fastest_percent']:+.2f} %; its code object is the original: {'yes' if r['code_untouched'] else 'NO'})" if "percent" in r else ""
                print(f"| {r['row']} | {r['ns_per_call']:.1f} | {r['added_ns']:+.1f}{extra} |")
        print()
        print(f"| Flask (test client; median of {FLASK_PAIRS} processes each, alternating) | requests/s |")
        print("| --- | ---: |")
        for r in rows:
            if "requests_per_s" in r:
                print(f"| {r['row']} | {r['requests_per_s']:,} |")
        print()
    print(json.dumps({"bench": "python-agent", "python": sys.version.split()[0], "rows": rows}))


main()
