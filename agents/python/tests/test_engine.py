"""Log probes in real code: functions, methods, decorated functions whose original a registry keeps, closures, generators; removed, the code is the original again."""

import importlib
import sys
import textwrap
import threading
import time

import pytest

from engines import Engine, module

APP = textwrap.dedent('''\
    import functools

    ROUTES = {}


    def route(path):
        def register(fn):
            ROUTES[path] = fn
            return fn
        return register


    @route("/<name>")
    def hello(name):
        greeting = "Hello: "
        return greeting + name


    class Cart:
        def __init__(self):
            self.items = []

        def add(self, item):
            self.items.append(item)
            return len(self.items)


    def outer(n):
        def inner(k):
            total = n + k
            return total
        return inner


    def counting(limit):
        i = 0
        while i < limit:
            yield i
            i += 1


    def wrapped(fn):
        @functools.wraps(fn)
        def call(*args):
            return fn(*args)
        return call


    @wrapped
    def decorated(x):
        y = x * 2
        return y
    ''')


@pytest.fixture()
def app(tmp_path, monkeypatch):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "app.py").write_text(APP)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("shop.app")
    yield module
    sys.modules.pop("shop.app", None)
    sys.modules.pop("shop", None)


@pytest.fixture()
def engine(tmp_path):
    engine = Engine([str(tmp_path)])
    yield engine
    engine.stop()


def line_of(text: str) -> int:
    return next(i for i, l in enumerate(APP.splitlines(), 1) if text in l)


def test_a_log_in_a_function_a_registry_keeps_fires_through_the_registry(app, engine):
    original = app.hello.__code__
    engine.log("a1", "shop/app.py", line_of("return greeting + name"), "Hello {name}", "")
    assert engine.states[-1] == ("a1", "active", "", "")
    assert app.ROUTES["/<name>"]("aa") == "Hello: aa"
    assert engine.lines == [("a1", "Hello aa")]
    engine.remove("a1")
    assert app.hello.__code__.co_code == original.co_code
    app.hello("bb")
    assert engine.lines == [("a1", "Hello aa")], "no line after removal"


def test_methods_closures_generators_and_decorated_functions(app, engine):
    engine.log("m", "app.py", line_of("self.items.append(item)"), "adding {item} to {self.items}", "")
    engine.log("c", "shop/app.py", line_of("return total"), "total={total} n={n}", "")
    engine.log("g", "shop/app.py", line_of("yield i"), "i={i}", "i % 2 == 1")
    engine.log("d", "shop/app.py", line_of("y = x * 2"), "x={x}", "")
    closure_made_before = app.outer(10)
    assert [s[1] for s in engine.states] == ["active"] * 4, engine.states
    app.Cart().add("apple")
    closure_made_before(1)
    app.outer(20)(2)
    list(app.counting(4))
    app.decorated(21)
    assert engine.lines == [
        ("m", "adding apple to []"),
        ("c", "total=11 n=10"),
        ("c", "total=22 n=20"),
        ("g", "i=1"),
        ("g", "i=3"),
        ("d", "x=21"),
    ]


def test_two_logs_in_one_function_and_removing_one_keeps_the_other(app, engine):
    engine.log("first", "shop/app.py", line_of('greeting = "Hello: "'), "first {name}", "")
    engine.log("second", "shop/app.py", line_of("return greeting + name"), "second {greeting}", "")
    app.hello("x")
    engine.remove("first")
    app.hello("y")
    assert [t for _, t in engine.lines] == ["first x", "second Hello: ", "second Hello: "]


def test_refusals_say_why_and_install_nothing(app, engine):
    original = app.hello.__code__
    engine.log("blank", "shop/app.py", line_of("class Cart") + 3, "x", "")
    engine.log("def", "shop/app.py", line_of("def add"), "x", "")
    engine.log("past", "shop/app.py", 999, "x", "")
    engine.log("unsafe", "shop/app.py", line_of("return greeting + name"), "{name.upper()}", "")
    engine.log("missing", "nope/other.py", 3, "x", "")
    messages = {s[0]: (s[1], s[2], s[3]) for s in engine.states}
    path = app.__file__
    assert messages["blank"] == ("error", "no-code-at-line", f"no code at line {line_of('class Cart') + 3} of {path} (blank, comment or closing brace); put the probe on a line with a statement")
    assert messages["def"][1] == "no-code-at-line", "a def line runs when the module loads, not when the function is called"
    assert messages["past"][1] == "line-out-of-range" and f"is past the end of {path}" in messages["past"][2]
    assert messages["unsafe"] == ("error", "unsafe-expression", "format: function call at column 2 is refused: a probe never runs program code (read a property or variable instead); nothing was installed")
    assert messages["missing"][1] == "file-not-found"
    assert app.hello.__code__ is original


def test_a_failing_line_is_reported_once_and_the_program_runs_on(app, engine):
    engine.log("bad", "shop/app.py", line_of("return greeting + name"), "{nothing_here}", "")
    assert app.hello("a") == "Hello: a"
    assert app.hello("b") == "Hello: b"
    failing = [s for s in engine.states if s[1] == "error"]
    assert failing == [("bad", "error", "runtime-refused", "the line could not be formatted: NameError: name 'nothing_here' is not defined here; no line is logged while it fails")]


def test_a_snapshot_captures_the_locals_the_watches_and_the_stack(app, engine):
    engine.upsert("s", "snapshot", "shop/app.py", line_of("self.items.append(item)"), watches=["len", "item * 2"])
    cart = app.Cart()
    cart.items.append("pear")
    cart.add("apple")
    (action_id, frames, watches, truncated), = engine.snapshots
    assert action_id == "s" and not truncated
    function, file, line, variables = frames[0]
    assert (function, file, line) == ("Cart.add", app.__file__, line_of("self.items.append(item)"))
    by_name = {v.name: v for v in variables}
    assert (by_name["item"].type, by_name["item"].value) == ("str", "apple")
    assert by_name["self"].type == "Cart" and by_name["self"].value == "Cart {\u2026}"
    items = by_name["self"].children[0]
    assert (items.name, items.value, [(c.name, c.value) for c in items.children]) == ("items", "list(1)", [("0", "pear")])
    assert [(w.name, w.value) for w in watches] == [("len", "<function len>"), ("item * 2", "appleapple")]
    assert frames[1][0] == "test_a_snapshot_captures_the_locals_the_watches_and_the_stack", "the caller's frame follows"


def test_a_log_on_a_hot_line_pauses_with_the_seeds_message_and_the_program_runs_on(app, engine):
    engine.log("hot", "shop/app.py", line_of("return greeting + name"), "n={name}")
    start = time.monotonic()
    for i in range(1000):
        assert app.hello(str(i)) == f"Hello: {i}"
    elapsed = time.monotonic() - start
    probe = engine.probe("hot")
    # The burst of 200, and what 50 a second refilled meanwhile (a paused probe waits for half its burst, 2 s, to resume).
    assert 200 <= len(engine.lines) <= 200 + 50 * elapsed + 1, (len(engine.lines), elapsed)
    assert probe.hits == 1000 and probe.suppressed == 1000 - len(engine.lines)
    assert ("hot", "paused", "quota", "Logpoint is paused due to high call rate until log quota is restored") in engine.states


def test_a_snapshot_probe_takes_one_a_second(app, engine):
    engine.upsert("snap", "snapshot", "shop/app.py", line_of("return greeting + name"), hit_limit=100)
    start = time.monotonic()
    for i in range(5):
        app.hello(str(i))
    # One, and one more for each second the calls took (they take far less on a machine that is not starved).
    assert 1 <= len(engine.snapshots) <= 1 + int(time.monotonic() - start)
    assert ("snap", "paused", "quota", "Snapshot is paused due to high call rate until snapshot quota is restored") in engine.states


def test_a_counter_counts_the_hits_where_its_condition_holds_with_no_quota(app, engine):
    engine.upsert("count", "counter", "shop/app.py", line_of("return greeting + name"), condition="name != 'skip'")
    for i in range(1000):
        app.hello("skip" if i % 4 == 0 else "x")
    probe = engine.probe("count")
    assert probe.take_count() == 750 and probe.take_count() == 0
    assert not any(s[1] == "paused" for s in engine.states)


LATER = textwrap.dedent('''\
    LOADED_WITH = []
    size = 3
    LOADED_WITH.append(size)


    def later(n):
        doubled = n * 2
        return doubled
    ''')


def test_a_probe_for_a_module_not_loaded_yet_waits_and_goes_in_when_it_loads(tmp_path, monkeypatch, engine):
    (tmp_path / "shop").mkdir(exist_ok=True)
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "later.py").write_text(LATER)
    monkeypatch.syspath_prepend(str(tmp_path))
    engine.log("fn", "shop/later.py", 8, "doubled={doubled}")
    engine.log("top", "shop/later.py", 3, "size={size}")
    engine.log("blank", "shop/later.py", 4, "never")
    path = str((tmp_path / "shop" / "later.py").resolve())
    assert ("fn", "pending", "file-not-loaded", f"{path} is not loaded yet; the probe goes in when it loads") in engine.states
    try:
        module = importlib.import_module("shop.later")
        assert module.later(21) == 42
        assert engine.lines == [("top", "size=3"), ("fn", "doubled=42")], "the module-level line fired as the module ran"
        states = {s[0]: s[1:] for s in engine.states}
        assert states["fn"] == ("active", "", "") and states["blank"][1] == "no-code-at-line"
        engine.remove("fn")
        module.later(1)
        assert engine.lines[-1] == ("fn", "doubled=42"), "removed after load: the function's original code runs again"
    finally:
        sys.modules.pop("shop.later", None)
        sys.modules.pop("shop", None)


def test_a_file_loaded_by_a_framework_through_its_own_source_loader_takes_its_probes(tmp_path, engine):
    """As Airflow loads DAG files: SourceFileLoader and exec_module, no import statement."""
    import importlib.machinery
    import importlib.util

    dag = tmp_path / "dags" / "task.py"
    dag.parent.mkdir()
    dag.write_text(LATER)
    engine.log("dag", "dags/task.py", 8, "doubled={doubled}")
    loader = importlib.machinery.SourceFileLoader("unusual_name_for_a_dag", str(dag))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    module.later(5)
    assert engine.lines == [("dag", "doubled=10")]


def test_a_path_on_no_disk_and_no_module_is_not_found(engine):
    engine.log("x", "nowhere/at_all.py", 1, "x")
    assert engine.states[-1][1:3] == ("error", "file-not-found")


def test_a_snapshot_stops_at_its_hit_limit_and_says_so(app, engine):
    engine.upsert("twice", "snapshot", "shop/app.py", line_of("self.items.append(item)"), hit_limit=2)
    engine.quotas.shared["snapshot"].tokens = 100
    probe = engine.probe("twice")
    probe.quota = None  # one a second would hold the second back; the limit is what is under test
    for item in ("a", "b", "c"):
        app.Cart().add(item)
    assert len(engine.snapshots) == 2
    assert engine.states[-1] == ("twice", "hit-limit", "hit-limit", "hit limit reached: 2 snapshots taken; add the snapshot again for more")


LOOP = textwrap.dedent('''\
    import threading

    stop = threading.Event()


    def worker_loop(seen):
        n = 0
        while not stop.is_set():
            n += 1
            seen.append(n)
            stop.wait(0.01)
        return n
    ''')


def test_a_loop_running_now_in_the_main_thread_fires_through_a_trace_on_its_frame_alone(tmp_path, monkeypatch, engine):
    with module(tmp_path, monkeypatch, "loops", LOOP) as loops:
        def place_then_stop():
            time.sleep(0.2)  # the loop is running by now, with the code it started with
            engine.log("loop", "loops.py", 10, "n={n}")
            deadline = time.monotonic() + 10
            while len(engine.lines) < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            loops.stop.set()

        helper = threading.Thread(target=place_then_stop)
        helper.start()
        loops.worker_loop([])
        helper.join()
        assert len(engine.lines) >= 3, engine.states
        assert all(text.startswith("n=") for _, text in engine.lines)
        state = [s for s in engine.states if s[0] == "loop"][-1]
        assert state[1:3] == ("active", "installed") and "served by a trace on its frame alone until it returns" in state[3]
        assert sys.gettrace() is None, "the trace is off once the frame returned"
        loops.stop.clear()
        threading.Timer(0.1, loops.stop.set).start()
        before = len(engine.lines)
        seen: list = []
        loops.worker_loop(seen)  # entered again: the injected probe, no trace
        assert len(engine.lines) == before + len(seen) and sys.gettrace() is None


SECRETS = textwrap.dedent('''\
    def login(user, password, note):
        token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_abc-123"
        return user
    ''')


def test_secrets_are_redacted_in_lines_and_snapshots_by_name_and_content_and_the_policy_blocks_files(tmp_path, monkeypatch, engine):
    with module(tmp_path, monkeypatch, "accounts", SECRETS) as accounts:
        engine.log("line", "accounts.py", 3, "{user} {password} {note} {token}")
        engine.upsert("snap", "snapshot", "accounts.py", 3)
        accounts.login("ada", "hunter2", "mail ada@example.com")
        assert engine.lines == [("line", "ada [redacted] mail [redacted] [redacted]")]
        variables = {v.name: v.value for v in engine.snapshots[0][1][0][3]}
        assert variables == {"user": "ada", "password": "[redacted]", "note": "mail [redacted]", "token": "[redacted]"}
        # The operator's policy, live: a name of theirs is redacted in the installed probe; a blocked file's probe goes.
        engine.set_policy(names=["user"])
        accounts.login("ada", "x", "y")
        assert engine.lines[-1] == ("line", "[redacted] [redacted] y [redacted]")
        engine.set_policy(blocked_files=["accounts.py"])
        assert ("line", "error", "blocked", "accounts.py is blocklisted by the policy (accounts.py); no probe goes in it") not in engine.states
        assert any(s[0] == "line" and s[2] == "blocked" and "is blocklisted by the policy (accounts.py); no probe goes in it" in s[3] for s in engine.states)
        accounts.login("ada", "x", "y")
        assert len(engine.lines) == 2, "the blocked probe is out"
        engine.log("again", "accounts.py", 3, "{user}")
        assert engine.states[-1] == ("again", "error", "blocked", "accounts.py is blocklisted by the policy (accounts.py); no probe goes in it")
        engine.set_policy(blocked_functions=["login"])
        engine.log("fn", "accounts.py", 3, "{user}")
        assert engine.states[-1] == ("fn", "error", "blocked", "function login is blocklisted by the policy; no probe goes in it")


def test_a_metric_aggregates_its_expression_and_says_when_a_value_is_no_number(app, engine):
    engine.upsert("m", "metric", "shop/app.py", line_of("self.items.append(item)"), watches=["item"])
    cart = app.Cart()
    for n in range(100, 0, -1):
        cart.add(n)
    a = engine.probe("m").take_aggregate()
    assert (a.count, a.sum, a.min, a.max) == (100, 5050.0, 1.0, 100.0)
    # Quantiles within 1 % of the true ones (a DDSketch's guarantee).
    for got, true in zip(a.quantiles(), (50, 90, 99)):
        assert abs(got - true) <= 0.01 * true + 1e-9, (got, true)
    cart.add("pear")
    assert engine.states[-1] == ("m", "error", "runtime-refused", "the line could not be formatted: ValueError: item is pear, not a number; no line is logged while it fails")


def test_a_tictoc_times_the_span_between_two_lines_of_one_call(app, engine):
    engine.upsert("t", "tictoc", "shop/app.py", line_of('greeting = "Hello: "'), end_line=line_of("return greeting + name"))
    for _ in range(5):
        app.hello("x")
    a = engine.probe("t").take_aggregate()
    assert a.count == 5 and 0 <= a.min <= a.max < 1000
    start, end = line_of("return greeting + name"), line_of('greeting = "Hello: "')
    engine.upsert("bad", "tictoc", "shop/app.py", start, end_line=end)
    assert engine.states[-1][2:] == ("invalid-action", f"the end line ({end}) must come after the start line ({start}); to time a function, give its first line and no end")


ASYNC = textwrap.dedent('''\
    import asyncio


    async def fetch(name):
        await asyncio.sleep(0)
        greeting = "hi " + name
        return greeting


    async def both():
        return await asyncio.gather(fetch("a"), fetch("b"))
    ''')


def test_a_log_in_a_coroutine_fires_after_its_await_under_asyncio(tmp_path, monkeypatch, engine):
    with module(tmp_path, monkeypatch, "fetching", ASYNC) as fetching:
        engine.log("co", "fetching.py", 7, "{greeting}")
        import asyncio

        assert asyncio.run(fetching.both()) == ["hi a", "hi b"]
        assert sorted(engine.lines) == [("co", "hi a"), ("co", "hi b")]


def test_the_editors_line_moves_to_where_the_running_file_has_it_or_is_refused_when_the_code_differs(app, engine):
    from sonde_agent.files.line_match import EditorLine

    running = line_of("return greeting + name")
    # The editor's file has two lines fewer above: its line 10 is the running line.
    engine.upsert("moved", "log", "shop/app.py", running - 2, "Hello {name}", editor=EditorLine(running - 2, "    return greeting + name", ['    greeting = "Hello: "']))
    assert engine.states[-1] == ("moved", "active", "installed", f"placed at running line {running} (your line {running - 2}): the running code differs")
    app.hello("ed")
    assert engine.lines == [("moved", "Hello ed")]
    engine.upsert("gone", "log", "shop/app.py", 3, "x", editor=EditorLine(3, "    return 'Bye'"))
    assert engine.states[-1][1:3] == ("error", "code-differs")
    assert "no running line reads \"return 'Bye'\"" in engine.states[-1][3]
