"""protocol/conformance/redaction.json: what every agent redacts, before anything is queued."""

import json

import pytest

from sonde_agent.probes.redaction import DEFAULT_NAMES, Redaction, check_pattern

from conformance import CONFORMANCE, cases

DATA = json.loads((CONFORMANCE / "redaction.json").read_text(encoding="utf-8"))


def test_the_default_names_are_the_files():
    assert list(DEFAULT_NAMES) == DATA["defaultNames"]


@pytest.mark.parametrize("case", cases("redaction.json"))
def test_redaction(case):
    r = Redaction(case.get("policyNames", []), case.get("policyPatterns", []))
    for name in case.get("names", {}).get("redacted", []):
        assert r.sensitive_name(name), name
    for name in case.get("names", {}).get("kept", []):
        assert not r.sensitive_name(name), name
    for value in case.get("values", []):
        assert r.redact_text(value["in"]) == value["out"]
        # A log value goes through redact_value, whose fast path for short numbers must change nothing.
        if ": " not in value["in"]:
            assert r.redact_value(value["in"]) == value["out"], f"{value['in']} as a log value"
    for pattern in case.get("refusedPatterns", []):
        assert check_pattern(pattern) is not None, pattern
    for pattern in case.get("acceptedPatterns", []):
        assert check_pattern(pattern) is None, pattern
