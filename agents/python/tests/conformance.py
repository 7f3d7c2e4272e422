"""The shared conformance data (protocol/conformance/) and golden vectors, for the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

PROTOCOL = Path(__file__).resolve().parents[3] / "protocol"
CONFORMANCE = PROTOCOL / "conformance"
VECTORS = PROTOCOL / "vectors"


def text(notation: Any) -> str:
    """A text in the conformance files' text notation (plain, repeat, concat)."""
    if isinstance(notation, str):
        return notation
    if "repeat" in notation:
        return text(notation["repeat"]["text"]) * notation["repeat"]["times"]
    if "concat" in notation:
        return "".join(text(part) for part in notation["concat"])
    raise ValueError(f"not a text in the conformance notation: {notation!r}")


def cases(file: str) -> list[Any]:
    """The cases of a conformance file that Python runs, as pytest parameters named by the case."""
    data = json.loads((CONFORMANCE / file).read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["name"]) for case in data["cases"] if "python" in case.get("runtimes", ["python"])]
