"""Which expressions a probe accepts (protocol/conformance/expressions.json).

A probe expression (a condition, or one ``{...}`` of a format) may only read
the program's state: names, attribute reads, indexing, literals, and
operators on them. Whatever could change program state or run program code
is refused, naming the construct and its column. What parses is Python's own
parser's business; this module judges the tree. Evaluation (expression_eval)
then reads attributes and applies operators only where that runs no program
code.
"""

from __future__ import annotations

import ast
import io
import tokenize

from .utf16 import column

UNSAFE = "unsafe-expression"
INVALID = "invalid-expression"
MAX_LEVELS = 100

_STATE = "it would change program state"
_NO_CODE = "a probe never runs program code (read a property or variable instead)"
_SUSPEND = "a probe cannot suspend the program"
_OPERATOR = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
    ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
}


class ExpressionError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def check(source: str, offset: int = 0, whole: str | None = None) -> ast.Expression:
    """The tree of an accepted expression; raises ExpressionError saying what is refused and where.

    Columns count in ``whole`` (the format an expression came from) when given,
    the expression starting at index ``offset`` of it.
    """
    text = whole if whole is not None else source

    def col(index: int) -> int:
        return column(text, offset + index)

    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        _refuse_statement(source, col, err)
        raise AssertionError("unreachable")  # _refuse_statement always raises
    except (RecursionError, MemoryError):
        raise ExpressionError(INVALID, f"the expression nests more than {MAX_LEVELS} levels deep at column {col(0)}: write it with fewer nested parts") from None
    _Judge(source, col).visit_level(tree.body, 1)
    return tree


def _index(source: str, node: ast.AST) -> int:
    """The index in ``source`` of a node's first character (the tree counts UTF-8 bytes on each line)."""
    lines = source.splitlines(keepends=True)
    line, byte = getattr(node, "lineno", 1), getattr(node, "col_offset", 0)
    start = sum(len(lines[i]) for i in range(line - 1))
    return start + len(lines[line - 1].encode("utf-8")[:byte].decode("utf-8", "ignore")) if lines else 0


def _refuse_statement(source: str, col, err: SyntaxError) -> None:
    """Why text that is not one expression is refused: a statement that changes state, more than one expression, or what does not parse."""
    try:
        module = ast.parse(source, mode="exec")
    except SyntaxError:
        module = None
    except (RecursionError, MemoryError):
        raise ExpressionError(INVALID, f"the expression nests more than {MAX_LEVELS} levels deep at column {col(0)}: write it with fewer nested parts") from None
    if module is not None and module.body:
        first = module.body[0]
        at = col(_index(source, first))
        if isinstance(first, (ast.Assign, ast.AnnAssign)):
            raise ExpressionError(UNSAFE, f"assignment (=) at column {at} is refused: {_STATE}")
        if isinstance(first, ast.AugAssign):
            raise ExpressionError(UNSAFE, f"assignment ({_OPERATOR[type(first.op)]}=) at column {at} is refused: {_STATE}")
        if isinstance(first, ast.Delete):
            raise ExpressionError(UNSAFE, f"delete at column {at} is refused: {_STATE}")
        if isinstance(first, (ast.Import, ast.ImportFrom)):
            raise ExpressionError(UNSAFE, f"import at column {at} is refused: it loads and runs code")
        if isinstance(first, ast.Expr) and len(module.body) > 1:
            end = _end_index(source, first)
            raise ExpressionError(INVALID, f"unexpected text at column {col(end)}: a probe takes one expression")
        if not isinstance(first, ast.Expr):
            raise ExpressionError(INVALID, f"unexpected text at column {at}: a probe takes one expression, not a statement")
    after = _after_longest_expression(source)
    if after is not None:
        raise ExpressionError(INVALID, f"unexpected text at column {col(after)}: a probe takes one expression")
    index = _error_index(source, err)
    raise ExpressionError(INVALID, f"does not parse at column {col(index)}: {err.msg}")


def _end_index(source: str, node: ast.AST) -> int:
    """The index of the first character after ``node`` and the white space after it."""
    lines = source.splitlines(keepends=True)
    line, byte = node.end_lineno or 1, node.end_col_offset or 0
    i = sum(len(lines[k]) for k in range(line - 1)) + len(lines[line - 1].encode("utf-8")[:byte].decode("utf-8", "ignore"))
    while i < len(source) and source[i] in " \t\r\n":
        i += 1
    return i


def _error_index(source: str, err: SyntaxError) -> int:
    lines = source.splitlines(keepends=True)
    if not lines or err.lineno is None:
        return 0
    line = min(max(err.lineno, 1), len(lines))
    return min(sum(len(lines[k]) for k in range(line - 1)) + max((err.offset or 1) - 1, 0), len(source))


#: Tokens after which Python's parser would go on reading an expression.
_CONTINUES = {"+", "-", "*", "/", "//", "%", "**", "@", "<<", ">>", "&", "|", "^", "<", ">", "<=", ">=", "==", "!=", ".", "(", "[", ",", "and", "or", "not", "in", "is", "if", "else", "="}


def _after_longest_expression(source: str) -> int | None:
    """Where the text after the longest leading expression starts, when what follows cannot continue it."""
    starts: list[tuple[int, str]] = []
    line_starts = [0]
    for k, ch in enumerate(source):
        if ch == "\n":
            line_starts.append(k + 1)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT):
                continue
            starts.append((line_starts[tok.start[0] - 1] + tok.start[1], tok.string))
    except (tokenize.TokenError, SyntaxError):
        pass
    for k in range(len(starts) - 1, 0, -1):
        try:
            ast.parse(source[: starts[k][0]], mode="eval")
        except SyntaxError:
            continue
        return None if starts[k][1] in _CONTINUES else starts[k][0]
    return None


class _Judge:
    """Walks an expression's tree: refuses what is not a plain read, and counts its levels."""

    def __init__(self, source: str, col) -> None:
        self.source = source
        self.col = col

    def at(self, node: ast.AST) -> int:
        return self.col(_index(self.source, node))

    def refuse(self, node: ast.AST, what: str, why: str) -> None:
        raise ExpressionError(UNSAFE, f"{what} at column {self.at(node)} is refused: {why}")

    def visit_level(self, node: ast.AST, level: int) -> None:
        # Iterative over the common chains (a.b.c..., a + a + ...), so that deep input meets the limit, not the interpreter's stack.
        stack = [(node, level)]
        while stack:
            n, lv = stack.pop()
            if lv > MAX_LEVELS:
                raise ExpressionError(INVALID, f"the expression nests more than {MAX_LEVELS} levels deep at column {self.at(n)}: write it with fewer nested parts")
            # Reversed, so that the leftmost child is judged first: the column named is the first in the text.
            for child in reversed(self.children(n)):
                stack.append((child, lv + 1))

    def children(self, n: ast.AST) -> list[ast.AST]:
        if isinstance(n, (ast.Name, ast.Constant)):
            return []
        if isinstance(n, ast.Attribute):
            return [n.value]
        if isinstance(n, ast.Subscript):
            return [n.value, n.slice]
        if isinstance(n, ast.Slice):
            return [p for p in (n.lower, n.upper, n.step) if p is not None]
        if isinstance(n, ast.BinOp):
            return [n.left, n.right]
        if isinstance(n, ast.UnaryOp):
            return [n.operand]
        if isinstance(n, ast.BoolOp):
            return list(n.values)
        if isinstance(n, ast.Compare):
            return [n.left, *n.comparators]
        if isinstance(n, ast.IfExp):
            return [n.test, n.body, n.orelse]
        if isinstance(n, (ast.List, ast.Tuple, ast.Set)):
            for e in n.elts:
                if isinstance(e, ast.Starred):
                    self.refuse(e, "spread (*)", "it runs iterators and getters")
            return list(n.elts)
        if isinstance(n, ast.Dict):
            for k, v in zip(n.keys, n.values):
                if k is None:
                    self.refuse(v, "spread (**)", "it runs the mapping's own methods")
            return [x for pair in zip(n.keys, n.values) for x in pair if x is not None]
        if isinstance(n, ast.Call):
            self.refuse(n, "function call", _NO_CODE)
        if isinstance(n, ast.NamedExpr):
            self.refuse(n, "assignment (:=)", _STATE)
        if isinstance(n, ast.Lambda):
            self.refuse(n, "function expression", "a probe cannot define code")
        if isinstance(n, ast.Await):
            self.refuse(n, "await", _SUSPEND)
        if isinstance(n, (ast.Yield, ast.YieldFrom)):
            self.refuse(n, "yield", _SUSPEND)
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            self.refuse(n, "comprehension", "it runs the program's iterators")
        if isinstance(n, ast.JoinedStr):
            self.refuse(n, "f-string", "it runs the values' own formatting (put each value in the log format instead)")
        if isinstance(n, ast.Starred):
            self.refuse(n, "spread (*)", "it runs iterators and getters")
        self.refuse(n, type(n).__name__, "a probe only reads names, attributes, items and literals, with operators on them")
        return []
