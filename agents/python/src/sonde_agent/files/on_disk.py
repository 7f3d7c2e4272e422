"""Finds a workspace path on disk under the app's roots (the same rule as the Node.js agent's findOnDisk).

Tries root/path, then drops leading segments one at a time, longest rest
first; two different files found with the same rest are ambiguous. A file
whose real path (symlinks followed) is outside every root is not found, so
that no answer tells which files exist elsewhere on the machine.
"""

from __future__ import annotations

import os

from .path_match import Ambiguous, Match, Result, utf16_order, workspace_segments


def _real_roots(roots: list[str]) -> list[str]:
    out = []
    for root in roots:
        real = os.path.realpath(root)
        if os.path.isdir(real) and os.path.dirname(real) != real:
            out.append(real if real.endswith(os.sep) else real + os.sep)
    return out


def find_on_disk(rel_path: str, roots: list[str]) -> Result:
    rel = workspace_segments(rel_path)
    if not rel:
        return None
    inside = _real_roots(roots)
    for drop in range(len(rel)):
        rest = rel[drop:]
        found: set[str] = set()
        for root in inside:
            candidate = os.path.join(root, *rest)
            if os.path.isfile(candidate):
                real = os.path.realpath(candidate)
                if any(real.startswith(r) for r in inside):
                    found.add(real)
        if len(found) == 1:
            return Match(found.pop(), len(rest))
        if len(found) > 1:
            return Ambiguous(len(rest), tuple(sorted(found, key=utf16_order)))
    return None
