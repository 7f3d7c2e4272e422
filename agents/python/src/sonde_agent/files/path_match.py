"""Which loaded file a workspace path means (protocol/conformance/path-match.json).

The rule every Sonde agent follows: split both paths into segments; the
candidate sharing the longest run of trailing segments with the workspace
path wins, and at least the file name must be shared. A tie goes to the one
candidate under the app's roots, else it is an answer listing the tied
candidates. A workspace path with a ``..`` segment, once decoded, matches
nothing: no editor sends one, and on disk it would climb out of the roots.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SEPARATORS = re.compile(r"[\\/]+")


@dataclass(frozen=True)
class Match:
    path: str
    segments: int


@dataclass(frozen=True)
class Ambiguous:
    segments: int
    candidates: tuple[str, ...]


Result = Match | Ambiguous | None


def utf16_order(text: str) -> bytes:
    """Sort key in UTF-16 code units, as every agent sorts (JavaScript's default order)."""
    return text.encode("utf-16-be", "surrogatepass")


def decoded(text: str) -> str:
    """Percent-decoding that, like decodeURIComponent, gives the text back unchanged when it is not valid."""
    if _BAD_PERCENT.search(text):
        return text
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        return text


def url_to_path(url: str) -> str | None:
    """The absolute path behind a file:// URL or an absolute path; None for anything else (another host, a malformed URL)."""
    if url.startswith("file://"):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or re.search(r"%2f", parts.path, re.IGNORECASE):
            return None
        path = decoded(parts.path)
        return path if path.startswith("/") else None
    if url.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", url):
        return url
    return None


def segments_of(path: str) -> list[str]:
    """Segments of a relative or absolute path, a file:// URL or a percent-encoded path."""
    p = path
    if p.startswith("file://"):
        p = url_to_path(p) or p
    elif _PERCENT.search(p):
        p = decoded(p)
    return [s for s in _SEPARATORS.split(p) if s not in ("", ".")]


def workspace_segments(path: str) -> list[str] | None:
    """A workspace path's segments; None when one is ``..`` (a file:// URL is checked before its parsing could resolve one away)."""
    if path.startswith("file://") and ".." in _SEPARATORS.split(decoded(path[len("file://"):])):
        return None
    segments = segments_of(path)
    return None if ".." in segments else segments


def _common_suffix(a: list[str], b: list[str]) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def match_path(rel_path: str, candidates: "list[str] | set[str] | tuple[str, ...]") -> Result:
    """The best candidate for ``rel_path`` by the longest common suffix."""
    rel = workspace_segments(rel_path)
    if not rel:
        return None
    best = 0
    best_paths: list[str] = []
    for candidate in dict.fromkeys(candidates):
        n = _common_suffix(rel, segments_of(candidate))
        if n == 0 or n < best:
            continue
        if n > best:
            best, best_paths = n, [candidate]
        else:
            best_paths.append(candidate)
    if not best_paths:
        return None
    if len(best_paths) > 1:
        return Ambiguous(best, tuple(sorted(best_paths, key=utf16_order)))
    return Match(best_paths[0], best)


def match_path_under(rel_path: str, candidates: "list[str] | set[str] | tuple[str, ...]", roots: "list[str] | tuple[str, ...]") -> Result:
    """match_path, where of equally good candidates those under the app's roots win."""
    m = match_path(rel_path, candidates)
    if not isinstance(m, Ambiguous):
        return m
    inside = [c for c in m.candidates if any(c.startswith(r if r.endswith(os.sep) else r + os.sep) for r in roots)]
    if len(inside) == 1:
        return Match(inside[0], m.segments)
    return Ambiguous(m.segments, tuple(inside)) if inside else m
