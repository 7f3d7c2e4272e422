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
import linecache
import sys
import types
from dataclasses import dataclass, field
from typing import Callable

from bytecode import Bytecode, Instr, Label, TryBegin, TryEnd

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
    """Lines where this code object (not a nested one) has an instruction a probe can go before: after its set-up, which ends with RESUME."""
    lines: set[int] = set()
    started = False
    for ins in dis.get_instructions(code):
        if started and ins.opname not in _SET_UP and ins.positions and ins.positions.lineno is not None:
            lines.add(ins.positions.lineno)
        started = started or ins.opname == "RESUME"
    return lines


_CO_NEWLOCALS = 0x02
_COMPREHENSIONS = frozenset({"<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>"})


def starts_at(code: types.CodeType, line: int) -> bool:
    """Whether ``code`` is a function (or lambda) that starts at ``line``: its ``def`` line, a decorator's, or a line between.

    The code object knows its first line (the first decorator's) but not its
    ``def`` line: that is read from the source, up to the first line of the body."""
    if not code.co_flags & _CO_NEWLOCALS or code.co_name in _COMPREHENSIONS:
        return False
    first = code.co_firstlineno
    if line == first:
        return True
    body = min(lines_of(code), default=first)
    if not first < line < body:
        return False
    source = linecache.getlines(code.co_filename)
    for n in range(first, min(line, len(source)) + 1):
        if source[n - 1].lstrip().startswith(("def ", "async def ")):
            return True
    return False


def _call(hit: "Hit | ArgsHit", line: int) -> list[Instr]:
    call, names = (hit.call, hit.names) if isinstance(hit, ArgsHit) else (hit, ())
    seq = [Instr("PUSH_NULL", lineno=line), Instr("LOAD_CONST", call, lineno=line)]
    seq += [Instr("LOAD_FAST", name, lineno=line) for name in names]
    if _PRECALL:
        seq.append(Instr("PRECALL", len(names), lineno=line))
    seq += [Instr("CALL", len(names), lineno=line), Instr("POP_TOP", lineno=line)]
    return seq


#: Keys of ``hits`` that are not lines: called as the function's body starts, and as it ends (each return, and an exception leaving it).
ENTRY, EXIT = 0, -1

_RETURNS = frozenset({"RETURN_VALUE", "RETURN_CONST"})


def instrument(original: types.CodeType, hits: "dict[int, list[Hit | ArgsHit]]") -> types.CodeType:
    """``original`` with a call to each hit at the first instruction of its line (lines without code are left out), and at ENTRY and EXIT."""
    bc = Bytecode.from_code(original)
    out: list[object] = []
    seen: set[int] = set()
    started = False
    for ins in bc:
        line = getattr(ins, "lineno", None)
        # RESUME (and a generator's set-up) carry the def line: a probe there goes after them.
        if isinstance(ins, Instr) and line in hits and line not in seen and ins.name not in _SET_UP and started:
            seen.add(line)  # type: ignore[arg-type]
            for hit in hits[line]:  # type: ignore[index]
                out.extend(_call(hit, line))  # type: ignore[arg-type]
        if EXIT in hits and isinstance(ins, Instr) and ins.name in _RETURNS:
            for hit in hits[EXIT]:
                out.extend(_call(hit, line or original.co_firstlineno))
        out.append(ins)
        if not started and isinstance(ins, Instr) and ins.name == "RESUME":
            started = True
            for hit in hits.get(ENTRY, ()):
                out.extend(_call(hit, line or original.co_firstlineno))
    if EXIT in hits:
        out = _on_exception(out, hits[EXIT], original.co_firstlineno)
    bc[:] = out
    return bc.to_code()


def _on_exception(body: list[object], exits: "list[Hit | ArgsHit]", line: int) -> list[object]:
    """``body`` with the EXIT hits called when an exception leaves the function, then re-raised as it was.

    Every instruction after the first RESUME that no handler of the
    function's own covers is covered by one more, as the compiler does for a
    ``try``/``finally`` around the whole body. It runs at stack depth 0 (the
    unwinding drops whatever the body had pushed) and ends with ``RERAISE 0``,
    so the traceback keeps the line that raised."""
    handler = Label()
    out: list[object] = []
    inner: "TryBegin | None" = None
    mine: "TryBegin | None" = None
    started = False
    for ins in body:
        if isinstance(ins, TryBegin):
            if mine is not None:
                out.append(TryEnd(mine))
                mine = None
            inner = ins
        elif isinstance(ins, TryEnd):
            inner = None
        elif isinstance(ins, Instr) and started and inner is None and mine is None:
            mine = TryBegin(handler, False, 0)
            out.append(mine)
        out.append(ins)
        if isinstance(ins, Instr) and ins.name == "RESUME":
            started = True
    if mine is not None:
        out.append(TryEnd(mine))
    out.append(handler)
    for hit in exits:
        out.extend(_call(hit, line))
    out.append(Instr("RERAISE", 0, lineno=line))
    return out


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
