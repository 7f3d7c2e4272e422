"""protocol/conformance/path-match.json: which loaded file a workspace path means."""

import pytest

from sonde_agent.files.path_match import Ambiguous, Match, match_path_under

from conformance import cases


@pytest.mark.parametrize("case", cases("path-match.json"))
def test_path_match(case):
    got = match_path_under(case["path"], case["loaded"], case.get("roots", []))
    if isinstance(got, Match):
        answer = {"match": got.path}
    elif isinstance(got, Ambiguous):
        answer = {"candidates": list(got.candidates)}
    else:
        answer = {"none": True}
    assert answer == case["expect"]
