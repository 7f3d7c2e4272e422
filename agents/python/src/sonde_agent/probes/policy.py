"""The operator's policy from the gateway, applied live: redaction (names and
patterns on top of the defaults), blocklisted files (globs) and functions, as
the Node.js agent applies them. A probe already installed that the new
policy blocks is taken out, saying why.
"""

from __future__ import annotations

import re

from .redaction import Redaction


def glob_to_regex(glob: str) -> re.Pattern[str]:
    """A glob anchored on the whole path, or on a tail of whole segments when it has no slash; ``**`` crosses folders."""
    out, i = "", 0
    while i < len(glob):
        c = glob[i]
        if c == "*" and glob[i + 1:i + 2] == "*":
            out += ".*"
            i += 1
            if glob[i + 1:i + 2] == "/":
                i += 1
        elif c == "*":
            out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        else:
            out += re.escape(c)
        i += 1
    return re.compile(f"^{out}$" if "/" in glob else f"(?:^|/){out}$")


class AgentPolicy:
    def __init__(self) -> None:
        self.redaction = Redaction()
        self._files: list[tuple[str, re.Pattern[str]]] = []
        self._functions: frozenset[str] = frozenset()

    def set(self, names=(), patterns=(), blocked_files=(), blocked_functions=()) -> list[str]:
        """Applies a policy; returns what in it was refused, with why."""
        refused = self.redaction.set(list(names), list(patterns))
        self._files = [(g, glob_to_regex(g.replace("\\", "/"))) for g in blocked_files]
        self._functions = frozenset(blocked_functions)
        return refused

    def block_reason(self, file: str) -> "str | None":
        path = file.replace("\\", "/")
        path = path[2:] if path.startswith("./") else path
        for glob, regex in self._files:
            if regex.search(path):
                return f"{file} is blocklisted by the policy ({glob}); no probe goes in it"
        return None

    def function_block_reason(self, qualname: str) -> "str | None":
        """A function by its own name, or as Class.method, or any function around it."""
        parts = [p for p in qualname.split(".") if p != "<locals>"]
        for k in range(len(parts)):
            for candidate in (parts[k], ".".join(parts[k:k + 2])):
                if candidate in self._functions:
                    return f"function {candidate} is blocklisted by the policy; no probe goes in it"
        return None
