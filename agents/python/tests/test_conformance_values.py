"""protocol/conformance/values.json: how a value reads in a log line."""

import pytest

from sonde_agent.probes.values import render

from conformance import cases, text


def build(notation):
    """A Python value from the conformance files' value notation."""
    (kind, v), = notation.items()
    if kind == "str":
        return text(v)
    if kind in ("int", "float", "bool"):
        return {"int": int, "float": float, "bool": bool}[kind](v)
    if kind == "null":
        return None
    if kind == "list":
        return [build(x) for x in v]
    if kind == "listOf":
        return [build(v["item"]) for _ in range(v["times"])]
    if kind == "map":
        return {k: build(x) for k, x in v}
    raise ValueError(f"no Python value for {notation!r}")


@pytest.mark.parametrize("case", cases("values.json"))
def test_values(case):
    assert render(build(case["value"])) == text(case["expect"])
