"""Where a probe goes: the loaded file a workspace path means, and the running line for the editor's."""

from __future__ import annotations

import os
import sys
import types

from ..files.line_match import EditorLine, place_editor_line
from ..files.path_match import Ambiguous, Match, match_path_under
from .probe import ProbeRefused
from .raw import module_dict as _module_dict



def loaded_files() -> list[str]:
    """The source files of the modules loaded now, read from each module's own dict (a lazy module's __getattr__ never runs)."""
    files = []
    for module in list(sys.modules.values()):
        if not issubclass(type(module), types.ModuleType):  # isinstance would read the object's own __class__
            continue
        path = dict.get(_module_dict(module), "__file__")
        if type(path) is str and path.endswith(".py"):
            files.append(path if os.path.isabs(path) else os.path.abspath(path))
    return files


def resolve(file: str, roots: list[str]) -> "str | None":
    """The loaded file the action means; None when it is not loaded (yet)."""
    found = match_path_under(file, loaded_files(), roots)
    if isinstance(found, Match):
        return found.path
    if isinstance(found, Ambiguous):
        raise ambiguous(file, found)
    return None


def ambiguous(file: str, found: Ambiguous) -> ProbeRefused:
    shown = ", ".join(found.candidates[:10]) + (f" and {len(found.candidates) - 10} more" if len(found.candidates) > 10 else "")
    return ProbeRefused("ambiguous-path", f"{file} matches several files equally well: {shown}; give more of the path")


def placed_line(path: str, line: int, editor: "EditorLine | None") -> tuple[int, str]:
    """The running line for the editor's (placement.json's rules) and what the state says of a move; raises when the running code differs."""
    if editor is None:
        return line, ""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return line, ""
    placed = place_editor_line(text, editor)
    if placed.kind == "refused":
        raise ProbeRefused("code-differs", placed.message)
    return placed.line, placed.message if placed.kind == "moved" else ""
