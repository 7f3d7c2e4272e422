"""protocol/conformance/placement.json: the editor's line in a running file that differs."""

import pytest

from sonde_agent.files.line_match import EditorLine, place_editor_line

from conformance import cases


@pytest.mark.parametrize("case", cases("placement.json"))
def test_placement(case):
    placed = place_editor_line("\n".join(case["running"]), EditorLine(case["line"], case["text"], case["before"], case["after"]))
    got = {"same": placed.line} if placed.kind == "same" else {"moved": placed.line, "message": placed.message} if placed.kind == "moved" else {"refused": placed.message}
    assert got == case["expect"]
