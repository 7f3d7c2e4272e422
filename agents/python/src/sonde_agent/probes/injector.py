"""Puts probe calls into the code objects at a line, and takes them out again.

A probe is a call to a bound method put at the first instruction of its
line: ``PUSH_NULL; LOAD_CONST probe.hit; PRECALL 0; CALL 0; POP_TOP`` on
3.11 (3.12 has no PRECALL). The ``bytecode`` library rewrites the code
object with its exception and line tables. Every probe of a code object goes
in with one rewrite of the original, so removing one is rewriting the rest.

The new code takes the place of the old in every function that runs it
(found through the garbage collector: Flask's ``@app.route`` keeps the
function object itself, whose ``__code__`` is what changes), and, for a
nested function, in the constants of the code that creates it, so that
closures made later run it too. Code without probes is untouched: no
tracer, no check on any other line.
"""

from __future__ import annotations

import dis
import gc
import sys
import types
from dataclasses import dataclass, field
from typing import Callable

from bytecode import Bytecode, Instr

#: A probe's entry: called with no argument (it reads the frame), or with the values of the named locals.
Hit = Callable[..., None]


class ArgsHit:
    """A hit called with the values of some of the function's arguments, loaded by the injected code (no frame object needed)."""

    __slots__ = ("call", "names")

    def __init__(self, call: Hit, names: tuple[str, ...]) -> None:
        self.call = call
        self.names = names


_CO_VARARGS, _CO_VARKEYWORDS = 0x04, 0x08


def arguments(code: types.CodeType) -> frozenset[str]:
    """The parameters of a code object that are always bound and held in plain slots (not cells): LOAD_FAST reads them safely at any line."""
    n = code.co_argcount + code.co_kwonlyargcount + bool(code.co_flags & _CO_VARARGS) + bool(code.co_flags & _CO_VARKEYWORDS)
    return frozenset(code.co_varnames[:n]) - frozenset(code.co_cellvars)

_PRECALL = sys.version_info < (3, 12)


#: What a function runs before its first line: a probe never goes among these.
_SET_UP = frozenset({"RESUME", "RETURN_GENERATOR", "COPY_FREE_VARS", "MAKE_CELL", "NOP", "CACHE"})


def lines_of(code: types.CodeType) -> set[int]:
    """Lines where this code object (not a nested one) has an instruction a probe can go before."""
    return {ins.positions.lineno for ins in dis.get_instructions(code) if ins.opname not in _SET_UP and ins.positions and ins.positions.lineno is not None}


def _call(hit: "Hit | ArgsHit", line: int) -> list[Instr]:
    call, names = (hit.call, hit.names) if isinstance(hit, ArgsHit) else (hit, ())
    seq = [Instr("PUSH_NULL", lineno=line), Instr("LOAD_CONST", call, lineno=line)]
    seq += [Instr("LOAD_FAST", name, lineno=line) for name in names]
    if _PRECALL:
        seq.append(Instr("PRECALL", len(names), lineno=line))
    seq += [Instr("CALL", len(names), lineno=line), Instr("POP_TOP", lineno=line)]
    return seq


def instrument(original: types.CodeType, hits: "dict[int, list[Hit | ArgsHit]]") -> types.CodeType:
    """``original`` with a call to each hit at the first instruction of its line (lines without code are left out)."""
    bc = Bytecode.from_code(original)
    out: list[object] = []
    seen: set[int] = set()
    for ins in bc:
        line = getattr(ins, "lineno", None)
        # RESUME (and a generator's set-up) carry the def line: a probe there goes after them.
        if isinstance(ins, Instr) and line in hits and line not in seen and ins.name not in _SET_UP:
            seen.add(line)  # type: ignore[arg-type]
            for hit in hits[line]:  # type: ignore[index]
                out.extend(_call(hit, line))  # type: ignore[arg-type]
        out.append(ins)
    bc[:] = out
    return bc.to_code()


@dataclass
class CodePatch:
    """One code object's probes: the original, what runs now, and the hits by line."""

    original: types.CodeType
    current: types.CodeType
    hits: "dict[int, list[Hit | ArgsHit]]" = field(default_factory=dict)


class FileCode:
    """The live code of one file: each code object, the functions running it, and the code that nests it.

    Code objects are not tracked by the garbage collector, so the look-up goes
    from the functions (which are) to their code and the code it nests.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.functions: dict[int, list[types.FunctionType]] = {}
        self.codes: dict[int, types.CodeType] = {}
        self.parent: dict[int, types.CodeType] = {}
        for obj in gc.get_objects():
            if type(obj) is types.FunctionType and obj.__code__.co_filename == path:
                self._add(obj.__code__, None)
                self.functions.setdefault(id(obj.__code__), []).append(obj)

    def _add(self, code: types.CodeType, parent: types.CodeType | None) -> None:
        if id(code) in self.codes:
            return
        self.codes[id(code)] = code
        if parent is not None:
            self.parent[id(code)] = parent
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                self._add(const, code)

    def at(self, line: int) -> list[types.CodeType]:
        """The code objects with an instruction at ``line`` of their own (a nested function's lines are its own)."""
        return [c for c in self.codes.values() if line in lines_of(c)]

    def swap(self, old: types.CodeType, new: types.CodeType) -> None:
        """Every function running ``old`` runs ``new``; the code that nests ``old`` holds ``new``, so that closures made later run it too."""
        for fn in self.functions.pop(id(old), []):
            if fn.__code__ is old:
                fn.__code__ = new
                self.functions.setdefault(id(new), []).append(fn)
        self.codes.pop(id(old), None)
        self.codes[id(new)] = new
        parent = self.parent.pop(id(old), None)
        for inner in (c for c in new.co_consts if isinstance(c, types.CodeType)):
            self.parent[id(inner)] = new
        if parent is not None:
            self.parent[id(new)] = parent
            self.swap(parent, parent.replace(co_consts=tuple(new if c is old else c for c in parent.co_consts)))
