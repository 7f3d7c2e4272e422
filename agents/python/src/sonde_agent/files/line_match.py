"""Where an editor's line is in the running file when the two texts differ
(protocol/conformance/placement.json): the running line whose text (and a
little context around it) matches the editor's, moved to the next line
with code as debuggers move breakpoints. Pure text work: the agent has the
running file's text, the gateway never does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")
_CLOSING = re.compile(r"^[}\])]+[;,]?$")


@dataclass(frozen=True)
class EditorLine:
    #: 1-based line in the editor's file.
    line: int
    text: str
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Placed:
    #: "same", "moved" or "refused".
    kind: str
    line: int = 0
    message: str = ""


def _norm(s: str) -> str:
    return _SPACE.sub(" ", s.strip())


def _quoted(s: str) -> str:
    return json.dumps(s.strip(), ensure_ascii=False)


def has_code(text: str) -> bool:
    """Not blank, not only a comment (Python's or a C-family one), not a lone closing bracket."""
    t = text.strip()
    if t == "" or t.startswith(("#", "//", "*", "/*")):
        return False
    return not _CLOSING.match(t)


def next_code_line(lines: list[str], line: int) -> "int | None":
    for i in range(line - 1, len(lines)):
        if has_code(lines[i]):
            return i + 1
    return None


def _context_score(lines: list[str], at: int, want: EditorLine) -> int:
    score = 0
    for k, b in enumerate(want.before):
        i = at - len(want.before) + k
        if 0 <= i < len(lines) and _norm(lines[i]) == _norm(b):
            score += 1
    for k, a in enumerate(want.after):
        i = at + 1 + k
        if 0 <= i < len(lines) and _norm(lines[i]) == _norm(a):
            score += 1
    return score


def place_editor_line(running: str, want: EditorLine) -> Placed:
    lines = re.split(r"\r?\n", running)
    wanted = _norm(want.text)
    same = lines[want.line - 1] if 1 <= want.line <= len(lines) else None
    target: "int | None" = None
    if same is not None and _norm(same) == wanted:
        target = want.line
    else:
        found = [i for i, l in enumerate(lines) if _norm(l) == wanted]
        if len(found) > 1:
            scores = [_context_score(lines, i, want) for i in found]
            best = max(scores)
            winners = [i for i, s in zip(found, scores) if s == best]
            if len(winners) == 1:
                target = winners[0] + 1
            else:
                return Placed("refused", message=f"the running code differs: {len(winners)} running lines read {_quoted(want.text)} (lines {', '.join(str(i + 1) for i in winners)}); save and redeploy, or target one service")
        elif len(found) == 1:
            target = found[0] + 1
    if target is None:
        reads = f"the running file has only {len(lines)} line{'' if len(lines) == 1 else 's'}" if same is None else f"running line {want.line} reads {_quoted(same)}"
        return Placed("refused", message=f"the running code differs: no running line reads {_quoted(want.text)}; {reads}")
    code = next_code_line(lines, target)
    if code is None:
        return Placed("refused", message=f"no code at or after running line {target}")
    if code == want.line:
        return Placed("same", code)
    why = "the next line with code" if target == want.line else "the running code differs"
    return Placed("moved", code, f"placed at running line {code} (your line {want.line}): {why}")
