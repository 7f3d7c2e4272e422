"""The agent's answer to the gateway's file query: the loaded file a path means
(or the file on disk, or the tied candidates), and how the loaded file
compares with the editor's at the action's line (placement.json's rules),
for the gateway's choice of agents.
"""

from __future__ import annotations

import hashlib

from .._proto.sonde.v1 import agent_pb2
from .line_match import EditorLine, place_editor_line
from .on_disk import find_on_disk
from .path_match import Ambiguous, Match, match_path_under


def sha256_of(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return ""


def answer(query: agent_pb2.FileQuery, loaded: list[str], roots: list[str]) -> agent_pb2.FileQueryResult:
    found = match_path_under(query.path, loaded, roots)
    if isinstance(found, Match):
        return compared(found.path, query)
    if isinstance(found, Ambiguous):
        return agent_pb2.FileQueryResult(candidates=list(found.candidates))
    on_disk = find_on_disk(query.path, roots)
    if isinstance(on_disk, Match):
        return agent_pb2.FileQueryResult(existing_path=on_disk.path)
    if isinstance(on_disk, Ambiguous):
        return agent_pb2.FileQueryResult(candidates=list(on_disk.candidates))
    return agent_pb2.FileQueryResult()


def compared(path: str, query: agent_pb2.FileQuery) -> agent_pb2.FileQueryResult:
    """The loaded file, and how it compares with the editor's at the query's line."""
    result = agent_pb2.FileQueryResult(loaded_path=path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return result
    if query.editor_content_hash and hashlib.sha256(data).hexdigest() == query.editor_content_hash:
        result.same_content = True
        result.line_match = agent_pb2.LINE_MATCH_SAME
        return result
    if not query.line or not (query.line_text or query.lines_before or query.lines_after):
        return result
    placed = place_editor_line(data.decode("utf-8", "replace"), EditorLine(query.line, query.line_text, list(query.lines_before), list(query.lines_after)))
    result.line_match = {"same": agent_pb2.LINE_MATCH_SAME, "moved": agent_pb2.LINE_MATCH_MOVED}.get(placed.kind, agent_pb2.LINE_MATCH_DIFFERS)
    result.line_match_reason = placed.message
    return result
