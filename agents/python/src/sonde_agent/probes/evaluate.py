"""Turns a checked expression into a function of a frame's locals and globals.

The expression's tree is rewritten so that every read and operator goes
through safe_ops (names from the frame's dicts, attributes from data,
operators on plain values), then compiled once into a Python function: a
hit costs a few calls, not an interpretation of the tree.
"""

from __future__ import annotations

import ast
import builtins
from typing import Callable

from . import safe_ops
from .expressions import check
from .marker import Marker

_BUILTINS = builtins.__dict__
_MISSING = object()

Evaluator = Callable[[dict, dict], object]


def name(local: dict, globals_: dict, identifier: str) -> object:
    """A name as the frame sees it: its locals, its module's globals, then the built-ins (plain dict reads)."""
    found = dict.get(local, identifier, _MISSING)
    if found is _MISSING:
        found = dict.get(globals_, identifier, _MISSING)
    if found is _MISSING:
        found = dict.get(_BUILTINS, identifier, _MISSING)
    if found is _MISSING:
        raise NameError(f"name {identifier!r} is not defined here")
    return found


_UNARY = {ast.USub: "-", ast.UAdd: "+", ast.Invert: "~", ast.Not: "not"}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.MatMult: "@"}
_COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}


class _Rewrite(ast.NodeTransformer):
    """Each read and operator becomes a call into safe_ops; and/or, chains and conditionals keep their evaluation order with temporaries.

    With ``positional`` names, the function's first parameter is the tuple of
    their values (the injected code passes them): each is read by its index.
    """

    def __init__(self, positional: tuple[str, ...] = ()) -> None:
        self.temps = 0
        self.positional = {n: k for k, n in enumerate(positional)}

    def temp(self) -> str:
        self.temps += 1
        return f"_t{self.temps}"

    @staticmethod
    def call(fn: str, *args: ast.expr) -> ast.Call:
        return ast.Call(func=ast.Name(fn, ast.Load()), args=list(args), keywords=[])

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.positional:
            return ast.Subscript(ast.Name("_L", ast.Load()), ast.Constant(self.positional[node.id]), ast.Load())
        local = ast.Name("_NO_LOCALS", ast.Load()) if self.positional else ast.Name("_L", ast.Load())
        return self.call("_name", local, ast.Name("_G", ast.Load()), ast.Constant(node.id))

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        return self.call("_attr", self.visit(node.value), ast.Constant(node.attr))

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        key = node.slice
        if isinstance(key, ast.Slice):
            parts = [self.visit(p) if p is not None else ast.Constant(None) for p in (key.lower, key.upper, key.step)]
            index: ast.expr = self.call("_slice", *parts)
        else:
            index = self.visit(key)
        return self.call("_item", self.visit(node.value), index)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        return self.call("_binary", ast.Constant(_BINARY[type(node.op)]), self.visit(node.left), self.visit(node.right))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        return self.call("_unary", ast.Constant(_UNARY[type(node.op)]), self.visit(node.operand))

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        # a and b → (b if truth(t := a) is True else t); a or b → (t if truth(t := a) is True else b), folded from the right.
        values = [self.visit(v) for v in node.values]
        result = values[-1]
        for value in reversed(values[:-1]):
            t = self.temp()
            test = ast.Compare(self.call("_truth_of", ast.NamedExpr(ast.Name(t, ast.Store()), value)), [ast.Is()], [ast.Constant(True)])
            kept = ast.Name(t, ast.Load())
            result = ast.IfExp(test, result, kept) if isinstance(node.op, ast.And) else ast.IfExp(test, kept, result)
        return result

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        left = self.visit(node.left)
        parts: list[ast.expr] = []
        for k, (op, right) in enumerate(zip(node.ops, node.comparators)):
            right = self.visit(right)
            if k < len(node.ops) - 1:
                t = self.temp()
                right_value: ast.expr = ast.NamedExpr(ast.Name(t, ast.Store()), right)
                parts.append(self.call("_compare", ast.Constant(_COMPARE[type(op)]), left, right_value))
                left = ast.Name(t, ast.Load())
            else:
                parts.append(self.call("_compare", ast.Constant(_COMPARE[type(op)]), left, right))
        return parts[0] if len(parts) == 1 else self.call("_all", *parts)

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        test = ast.Compare(self.call("_truth_of", self.visit(node.test)), [ast.Is()], [ast.Constant(True)])
        return ast.IfExp(test, self.visit(node.body), self.visit(node.orelse))

    def visit_Set(self, node: ast.Set) -> ast.AST:
        return self.call("_set", ast.List([self.visit(e) for e in node.elts], ast.Load()))

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        pairs = [ast.Tuple([self.visit(k), self.visit(v)], ast.Load()) for k, v in zip(node.keys, node.values) if k is not None]
        return self.call("_dict", ast.List(pairs, ast.Load()))


def _truth_of(value: object) -> object:
    t = safe_ops.truth(value)
    if type(t) is Marker:
        raise _Refused(t)  # a truth that cannot be known stops the expression: its value is the Marker
    return t


def _all(*results: object) -> object:
    for r in results:
        if type(r) is Marker or r is not True:
            return r
    return True


class _Refused(Exception):
    def __init__(self, marker: Marker) -> None:
        self.marker = marker


_NAMESPACE = {
    "_name": name, "_attr": safe_ops.attr, "_item": safe_ops.item, "_slice": slice, "_binary": safe_ops.binary,
    "_unary": safe_ops.unary, "_compare": safe_ops.compare, "_truth_of": _truth_of, "_all": _all,
    "_set": safe_ops.set_of, "_dict": safe_ops.dict_of, "_NO_LOCALS": {}, "__builtins__": {},
}


def names_read(source: str) -> frozenset[str]:
    """The names an accepted expression reads."""
    return frozenset(n.id for n in ast.walk(ast.parse(source.strip(), mode="eval")) if isinstance(n, ast.Name))


def _by_name(identifier: str) -> Evaluator:
    """A bare name, the commonest expression: one dict look-up on the hot path."""

    def by_name(local: dict, globals_: dict, _get=dict.get, _missing=_MISSING) -> object:
        found = _get(local, identifier, _missing)
        return name(local, globals_, identifier) if found is _missing else found

    return by_name


def compile_expression(source: str, offset: int = 0, whole: str | None = None, positional: tuple[str, ...] = ()) -> Evaluator:
    """A function (locals, globals) → value for an accepted expression; raises ExpressionError for a refused one.

    With ``positional``, the function takes the tuple of those names' values
    in place of the locals dict. A read the probe refuses makes the value a Marker; an error of the
    expression itself (a missing name, a division by zero) is raised to the
    caller, which reports it.
    """
    tree = check(source, offset, whole)
    if isinstance(tree.body, ast.Name) and not positional:
        return _by_name(tree.body.id)
    rewrite = _Rewrite(positional)
    body = rewrite.visit(tree.body)
    function = ast.Expression(ast.Lambda(ast.arguments(posonlyargs=[], args=[ast.arg("_L"), ast.arg("_G")], kwonlyargs=[], kw_defaults=[], defaults=[]), body))
    ast.fix_missing_locations(function)
    inner = eval(compile(function, "<sonde probe expression>", "eval"), dict(_NAMESPACE))  # noqa: S307 - the tree is checked and rewritten above
    if not any(isinstance(n, (ast.BoolOp, ast.IfExp)) or (isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not)) for n in ast.walk(tree)):
        return inner  # nothing in it can stop on a truth it cannot know

    def evaluate(local: dict, globals_: dict) -> object:
        try:
            return inner(local, globals_)
        except _Refused as refused:
            return refused.marker

    return evaluate
