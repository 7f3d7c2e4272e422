"""Expressions that would change the program or run its code: each is refused with a reason, or evaluates harmlessly.

"Harmless" means: the program's code in the objects below never runs (the
``ran`` list stays empty) and nothing is allocated beyond the bounds.
"""

import re

import pytest

from sonde_agent.probes.evaluate import compile_expression
from sonde_agent.probes.expressions import ExpressionError
from sonde_agent.probes.values import render

ran: list[str] = []


class Account:
    def __init__(self):
        self.balance = 10
        self.owner = "ada"

    @property
    def audited(self):
        ran.append("property")
        return True

    def __getattr__(self, name):
        ran.append(f"__getattr__ {name}")
        return 0

    def __getattribute__(self, name):
        if name not in ("__dict__", "__class__"):
            ran.append(f"__getattribute__ {name}")
        return object.__getattribute__(self, name)

    def __eq__(self, other):
        ran.append("__eq__")
        return True

    def __hash__(self):
        ran.append("__hash__")
        return 1

    def __bool__(self):
        ran.append("__bool__")
        return False

    def __add__(self, other):
        ran.append("__add__")
        return self

    def __repr__(self):
        ran.append("__repr__")
        return "Account!"

    def __str__(self):
        ran.append("__str__")
        return "Account!"

    def __getitem__(self, key):
        ran.append("__getitem__")
        return 1

    def __len__(self):
        ran.append("__len__")
        return 1


class Loud:
    def __get__(self, obj, cls):
        ran.append("descriptor __get__")
        return 1

    def __set__(self, obj, value):
        ran.append("descriptor __set__")


class WithDescriptor:
    loud = Loud()


class Proxy:
    """Like werkzeug's LocalProxy: every read goes through __getattr__."""

    __slots__ = ("_target",)

    def __init__(self, target):
        object.__setattr__(self, "_target", target)

    def __getattr__(self, name):
        ran.append(f"proxy lookup {name}")
        return getattr(self._target, name)


LOCALS = {"acct": Account(), "desc": WithDescriptor(), "request": Proxy({"args": 1}), "n": 5, "items": [1, 2, 3], "text": "abc"}

REFUSED = [
    ("f()", r"function call at column 1 is refused"),
    ("__import__('os')", r"function call at column 1 is refused"),
    ("acct.balance.__class__.__subclasses__()", r"function call at column 1 is refused"),
    ("(x := 1)", r"assignment \(:=\) at column 2 is refused: it would change program state"),
    ("acct.balance = 0", r"assignment \(=\) at column 1 is refused"),
    ("n += 1", r"assignment \(\+=\) at column 1 is refused"),
    ("del acct.balance", r"delete at column 1 is refused"),
    ("import os", r"import at column 1 is refused: it loads and runs code"),
    ("lambda: 1", r"function expression at column 1 is refused"),
    ("[f() for f in items]", r"comprehension at column 1 is refused"),
    ("[x for x in items]", r"comprehension at column 1 is refused: it runs the program's iterators"),
    ("{k: 1 for k in items}", r"comprehension at column 1 is refused"),
    ("(x for x in items)", r"comprehension at column 1 is refused"),
    ("f'{acct}'", r"f-string at column 1 is refused"),
    ("[*items]", r"spread \(\*\) at column 2 is refused"),
    ("{**acct}", r"spread \(\*\*\) at column 4 is refused"),
    ("await acct", r"await at column 1 is refused"),
    ("(yield n)", r"yield at column 2 is refused"),
    ("acct.balance; n", r"unexpected text at column 13: a probe takes one expression"),
    ("(" * 5000 + "n" + ")" * 5000, r"nests more than 100 levels deep|does not parse"),
    ("n" + " + n" * 5000, r"nests more than 100 levels deep at column 1"),
]

HARMLESS = [
    ("acct.audited", "<audited is a property of Account: reading it would run the program's code>"),
    ("acct.missing", "<missing is not a field of Account, and finding it would run Account.__getattr__; read the object it stands for instead>"),
    ("desc.loud", "<loud is a Loud descriptor of WithDescriptor: reading it would run the program's code>"),
    ("request.args", "<args is not a field of Proxy, and finding it would run Proxy.__getattr__; read the object it stands for instead>"),
    ("acct == acct", "<== on a Account refused: it would run Account's own comparison>"),
    ("acct + 1", "<+ on a Account refused: it would run the program's own operator>"),
    ("acct[0]", "<indexing a Account refused: it would run its __getitem__>"),
    ("{acct: 1}", "<a Account key refused: it would run its __hash__ and __eq__>"),
    ("{acct}", "<a set of Account refused: it would run their __hash__ and __eq__>"),
    ("acct in items", "<in on a Account refused: it would run Account's own comparison>"),
    ("acct and n", "<the truth of a Account refused: it would run its __bool__ or __len__>"),
    ("n if acct else 0", "<the truth of a Account refused: it would run its __bool__ or __len__>"),
    ("not acct", "<the truth of a Account refused: it would run its __bool__ or __len__>"),
    ("acct", "Account { balance: 10, owner: 'ada' }"),
    ("[0] * 10**9", "<* refused: the result would have more than 1000000 items>"),
    ("'x' * 10**9", "<* refused: the result would have more than 1000000 items>"),
    ("10 ** 10 ** 10", "<** refused: the result would have more than 1000000 bits>"),
    ("1 << 10**9", "<<< refused: the result would have more than 1000000 bits>"),
    ("'%s' % n", "<% on a string refused: it is formatting, which runs the values' own methods>"),
    ("acct.balance + n", "15"),
    ("items[1:] + items[:1]", "[ 2, 3, 1 ]"),
    ("text[0] == 'a' and n > 3", "true"),
]


def setup_function():
    ran.clear()


@pytest.mark.parametrize("expression,reason", REFUSED, ids=[e[:40] for e, _ in REFUSED])
def test_refused_with_a_reason(expression, reason):
    with pytest.raises(ExpressionError) as refused:
        compile_expression(expression)
    assert re.search(reason, str(refused.value)), str(refused.value)


@pytest.mark.parametrize("expression,reads", HARMLESS, ids=[e[:40] for e, _ in HARMLESS])
def test_harmless_the_programs_code_never_runs(expression, reads):
    value = compile_expression(expression)(dict(LOCALS), {})
    assert render(value) == reads
    assert ran == []


def test_the_table_is_at_least_25_long():
    assert len(REFUSED) + len(HARMLESS) >= 25
