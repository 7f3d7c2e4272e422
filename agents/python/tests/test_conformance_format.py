"""protocol/conformance/format.json: how a log format splits."""

import pytest

from sonde_agent.probes.format import FormatError, Text, split

from conformance import cases


@pytest.mark.parametrize("case", cases("format.json"))
def test_format(case):
    expect = case["expect"]
    try:
        got = {"parts": [{"text": p.text} if isinstance(p, Text) else {"expr": p.source, "column": p.column} for p in split(case["format"])]}
    except FormatError as err:
        got = {"error": str(err), "code": err.code}
    if "errorStartsWith" in expect:
        assert got.get("code") == expect["code"], got
        assert got.get("error", "").startswith(expect["errorStartsWith"]), got
    else:
        assert got == expect
