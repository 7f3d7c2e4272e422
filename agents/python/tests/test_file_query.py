"""The agent's answer to the gateway's file query: how the running file compares with the editor's at the action's line."""

import hashlib

from sonde_agent._proto.sonde.v1 import agent_pb2
from sonde_agent.files.file_query import compared


def query(path, text, line, line_text, before=(), after=()):
    return agent_pb2.FileQuery(path=path, editor_content_hash=hashlib.sha256(text.encode()).hexdigest(), line=line, line_text=line_text, lines_before=list(before), lines_after=list(after))


def test_the_same_file_is_the_same_and_a_shifted_line_is_moved_and_other_code_differs(tmp_path):
    running = tmp_path / "app.py"
    running.write_text("import os\n\n\ndef hello(name):\n    return 'Hello: ' + name\n")
    same = compared(str(running), query("app.py", running.read_text(), 5, "    return 'Hello: ' + name"))
    assert (same.loaded_path, same.same_content, same.line_match) == (str(running), True, agent_pb2.LINE_MATCH_SAME)
    editor = "def hello(name):\n    return 'Hello: ' + name\n"
    moved = compared(str(running), query("app.py", editor, 2, "    return 'Hello: ' + name", ["def hello(name):"]))
    assert (moved.same_content, moved.line_match, moved.line_match_reason) == (False, agent_pb2.LINE_MATCH_MOVED, "placed at running line 5 (your line 2): the running code differs")
    differs = compared(str(running), query("app.py", "x\n", 1, "return 'Bye'"))
    assert differs.line_match == agent_pb2.LINE_MATCH_DIFFERS
    assert differs.line_match_reason == 'the running code differs: no running line reads "return \'Bye\'"; running line 1 reads "import os"'
