"""How a log format splits into text and expressions (protocol/conformance/format.json).

Outside an expression ``{{`` is a literal ``{`` and ``}}`` a literal ``}``; a
lone ``}`` is an error. A ``{`` opens an expression as long as Python's parser
reads one from there: strings and brackets inside it belong to it, so the
expression ends at the first ``}`` outside them, found with Python's own
tokenizer. Splitting judges nothing but the braces; each expression is then
checked by ``expressions.check``.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass

from .utf16 import column

INVALID = "invalid-expression"


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Expr:
    source: str
    #: 1-based UTF-16 column of its first character in the whole format.
    column: int


class FormatError(ValueError):
    def __init__(self, message: str, code: str = INVALID) -> None:
        super().__init__(message)
        self.code = code


#: Tokens after which Python's parser would go on reading the expression.
_CONTINUES = {
    "+", "-", "*", "/", "//", "%", "**", "@", "<<", ">>", "&", "|", "^", "<", ">", "<=", ">=", "==", "!=",
    ".", "(", "[", ",", "and", "or", "not", "in", "is", "if", "else", ":=", "=",
}
_OPENERS = {"(": ")", "[": "]", "{": "}"}


def split(fmt: str) -> list[Text | Expr]:
    """The parts of ``fmt`` in order; raises FormatError saying what is wrong and where."""
    parts: list[Text | Expr] = []
    text: list[str] = []
    i, n = 0, len(fmt)
    while i < n:
        ch = fmt[i]
        if ch == "{" and fmt.startswith("{{", i):
            text.append("{")
            i += 2
        elif ch == "}" and fmt.startswith("}}", i):
            text.append("}")
            i += 2
        elif ch == "}":
            raise FormatError(f"lone }} at column {column(fmt, i)}: write }}}} for a literal brace")
        elif ch == "{":
            if text:
                parts.append(Text("".join(text)))
                text = []
            expr, i = _expression(fmt, i)
            parts.append(expr)
        else:
            text.append(ch)
            i += 1
    if text:
        parts.append(Text("".join(text)))
    return parts


def _expression(fmt: str, opened: int) -> tuple[Expr, int]:
    """The expression opened by the ``{`` at ``opened``, and the index after its closing ``}``."""
    start = opened + 1
    while start < len(fmt) and fmt[start] in " \t\r\n":
        start += 1
    at = column(fmt, opened)
    if start < len(fmt) and fmt[start] == "}":
        raise FormatError(f"empty {{}} at column {at}: put an expression inside, or write {{{{}}}} for literal braces")
    tokens, close, unterminated = _scan(fmt, start)
    if close is not None:
        source = fmt[start:close].rstrip(" \t\r\n")
        try:
            ast.parse(source, mode="eval")
            return Expr(source, column(fmt, start)), close + 1
        except SyntaxError as err:
            parse_error = err
    elif unterminated is not None:
        raise FormatError(f"the expression in {{ at column {at} does not parse: {unterminated}")
    else:
        parse_error = None
    # Not whole up to a closing brace: the longest part that is an expression, and what follows it.
    after = _after_longest_expression(fmt, start, tokens)
    if after is not None and (after[1] not in _CONTINUES):
        index = after[0]
        raise FormatError(f'unexpected "{fmt[index]}" at column {column(fmt, index)} in the expression opened at column {at}: expected }}')
    if parse_error is None:
        raise FormatError(f"unclosed {{ at column {at}: close it with }} or write {{{{ for a literal brace")
    raise FormatError(f"the expression in {{ at column {at} does not parse: {parse_error.msg}")


def _scan(fmt: str, start: int) -> tuple[list[tuple[int, str]], int | None, str | None]:
    """Tokens from ``start`` as (index in fmt, text), up to the first ``}`` outside brackets and strings.

    Returns the tokens, the index of that ``}`` (None when the format ends first),
    and the tokenizer's complaint when a string never ends.
    """
    rest = fmt[start:]
    # Absolute index of each line's start, for the tokenizer's (row, col) positions.
    line_starts = [0]
    for k, ch in enumerate(rest):
        if ch == "\n":
            line_starts.append(k + 1)
    tokens: list[tuple[int, str]] = []
    depth: list[str] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(rest).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                continue
            index = start + line_starts[tok.start[0] - 1] + tok.start[1]
            if tok.type == tokenize.ERRORTOKEN and tok.string.strip() in ("'", '"'):
                return tokens, None, "unterminated string literal"
            if tok.type == tokenize.OP and tok.string == "}" and not depth:
                return tokens, index, None
            if tok.type == tokenize.OP and tok.string in _OPENERS:
                depth.append(_OPENERS[tok.string])
            elif tok.type == tokenize.OP and depth and tok.string == depth[-1]:
                depth.pop()
            tokens.append((index, tok.string))
    except tokenize.TokenError as err:
        if "string" in str(err.args[0]).lower():
            return tokens, None, "unterminated string literal"
    except (SyntaxError, IndentationError) as err:
        return tokens, None, err.msg
    return tokens, None, None


def _after_longest_expression(fmt: str, start: int, tokens: list[tuple[int, str]]) -> tuple[int, str] | None:
    """The token right after the longest run of leading tokens that parses as an expression; None when no run parses or nothing follows."""
    for k in range(len(tokens) - 1, 0, -1):
        end = tokens[k][0]
        try:
            ast.parse(fmt[start:end].rstrip(" \t\r\n"), mode="eval")
        except SyntaxError:
            continue
        return tokens[k]
    return None
