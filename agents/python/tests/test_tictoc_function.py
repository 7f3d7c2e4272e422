"""A tic-toc's function form (no end line): the whole call of the function that starts at the line, every return and every exception leaving it."""

import asyncio
import textwrap
import traceback

import pytest

from engines import Engine, module

TIMED = textwrap.dedent('''\
    ROUTES = {}


    def route(path):
        def register(fn):
            ROUTES[path] = fn
            return fn
        return register


    @route("/<name>")
    def hello(name):
        if name == "boom":
            raise ValueError("no " + name)
        for ch in name:
            try:
                if ch == "x":
                    return "early"
            finally:
                pass
        return "Hello: " + name


    def counting(n):
        for i in range(n):
            yield i


    async def fetch(name):
        await asyncio.sleep(0)
        return "hi " + name


    import asyncio
    ''')

HELLO_DEF, DECORATOR, RAISE_LINE, COUNTING, FETCH = 12, 11, 14, 24, 29


@pytest.fixture()
def timed(tmp_path, monkeypatch):
    with module(tmp_path, monkeypatch, "timed", TIMED) as m:
        yield m


@pytest.fixture()
def engine(tmp_path):
    engine = Engine([str(tmp_path)])
    yield engine
    engine.stop()


def test_it_times_every_call_through_the_registry_returns_and_exceptions_alike(timed, engine):
    original = timed.hello.__code__
    engine.upsert("t", "tictoc", "timed.py", HELLO_DEF)
    assert engine.states[-1] == ("t", "active", "", "")
    hello = timed.ROUTES["/<name>"]
    assert (hello("aa"), hello("xy")) == ("Hello: aa", "early")
    with pytest.raises(ValueError, match="no boom") as raised:
        hello("boom")
    assert traceback.extract_tb(raised.value.__traceback__)[-1].lineno == RAISE_LINE, "the traceback still names the line that raised"
    a = engine.probe("t").take_aggregate()
    assert a.count == 3 and 0 <= a.min <= a.max < 1000
    engine.remove("t")
    assert timed.hello.__code__ is original, "removed, the function runs its original code"


def test_the_decorator_line_names_the_function_too_and_the_condition_picks_the_calls(timed, engine):
    engine.upsert("t", "tictoc", "timed.py", DECORATOR, condition="name != 'skip'")
    timed.hello("a")
    timed.hello("skip")
    assert engine.probe("t").take_aggregate().count == 1


def test_a_generator_is_timed_from_its_first_item_to_its_end_or_close(timed, engine):
    engine.upsert("t", "tictoc", "timed.py", COUNTING)
    assert list(timed.counting(3)) == [0, 1, 2]
    g = timed.counting(10)
    next(g)
    g.close()
    assert engine.probe("t").take_aggregate().count == 2


def test_a_coroutine_is_timed_across_its_awaits_under_asyncio(timed, engine):
    engine.upsert("t", "tictoc", "timed.py", FETCH)

    async def both():
        return await asyncio.gather(timed.fetch("a"), timed.fetch("b"))

    assert asyncio.run(both()) == ["hi a", "hi b"]
    assert engine.probe("t").take_aggregate().count == 2


def test_a_line_probe_and_the_function_form_share_the_function(timed, engine):
    engine.upsert("t", "tictoc", "timed.py", HELLO_DEF)
    engine.log("l", "timed.py", HELLO_DEF + 5, "{ch}")
    timed.hello("ab")
    assert [t for _, t in engine.lines] == ["a", "b"]
    assert engine.probe("t").take_aggregate().count == 1
    engine.remove("t")
    timed.hello("c")
    assert [t for _, t in engine.lines][-1] == "c", "the log stays when the tic-toc goes"


def test_a_line_where_no_function_starts_is_refused_with_what_to_give(timed, engine):
    engine.upsert("t", "tictoc", "timed.py", HELLO_DEF + 1)
    assert engine.states[-1] == ("t", "error", "no-code-at-line", f"no function with statements in its body starts at line {HELLO_DEF + 1}; give a tic-toc's function form the line where the function starts, or give an end line")


def test_a_function_in_a_module_imported_later_is_timed_from_its_first_call(tmp_path, monkeypatch, engine):
    (tmp_path / "later_timed.py").write_text(TIMED)
    engine.upsert("t", "tictoc", "later_timed.py", HELLO_DEF)
    assert engine.states[-1][:2] == ("t", "pending")
    with module(tmp_path, monkeypatch, "later_timed", TIMED) as later:
        assert engine.states[-1] == ("t", "active", "", "")
        later.hello("a")
        assert engine.probe("t").take_aggregate().count == 1
