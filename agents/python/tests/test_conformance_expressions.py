"""protocol/conformance/expressions.json: which expressions a probe accepts."""

import pytest

from sonde_agent.probes.expressions import ExpressionError, check

from conformance import cases, text


@pytest.mark.parametrize("case", cases("expressions.json"))
def test_expressions(case):
    expect = case["expect"]
    try:
        check(text(case["expression"]))
        got = {"ok": True}
    except ExpressionError as err:
        got = {"code": err.code, "error": str(err)}
    if "errorStartsWith" in expect:
        assert got.get("code") == expect["code"], got
        assert got.get("error", "").startswith(expect["errorStartsWith"]), got
    else:
        assert got == expect
