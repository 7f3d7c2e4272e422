"""Redaction inside the agent, before anything is queued (protocol/conformance/redaction.json).

Values whose name says they are secret (by name segment: ``userPassword``,
``api_key`` and ``X-Api-Key`` match, ``tokenizer`` does not) and strings
whose content looks like one (card numbers passing Luhn with an issuer's
prefix, e-mail addresses, JWTs, bearer tokens, AWS-style access keys), plus
the operator's own names and patterns from the gateway's policy. The
replacement is always ``[redacted]``. Every pattern is bounded, and an
operator's pattern that could backtrack without bound is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

REDACTED = "[redacted]"

DEFAULT_NAMES = (
    "password", "passwd", "pwd", "passphrase", "secret", "token", "authorization", "auth", "cookie", "session",
    "api key", "private key", "secret key", "access key", "client secret", "credential", "ssn", "credit card", "card number", "cvv",
)

MAX_PATTERN_CHARS = 200
MAX_SCAN_CHARS = 64 * 1024
MAX_CACHED_NAMES = 4096
CARD_MIN_DIGITS = 12
_SEGMENT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def luhn(text: str) -> bool:
    total, double = 0, False
    for ch in reversed(text):
        if not "0" <= ch <= "9":
            continue
        d = (ord(ch) - 48) * 2 if double else ord(ch) - 48
        total += d - 9 if d > 9 else d
        double = not double
    return total % 10 == 0


@dataclass(frozen=True)
class _Pattern:
    re: re.Pattern[str]
    hint: tuple[str, ...] = ()
    accept: "Callable[[str], bool] | None" = None
    min_length: int = 0


# Issuer prefixes (Visa 4, Mastercard 51-55 and 22-27, Amex 34 and 37, Discover 6011 and 65) as well as Luhn:
# a millisecond timestamp (17..., 13 digits) passes Luhn one time in ten and is no card.
DEFAULT_VALUES = (
    _Pattern(re.compile(r"\beyJ[A-Za-z0-9_-]{4,2048}\.[A-Za-z0-9_-]{4,4096}\.[A-Za-z0-9_-]{0,2048}"), ("eyJ",), None, 13),
    _Pattern(re.compile(r"\bBearer\s{1,4}[A-Za-z0-9._~+/=-]{8,4096}", re.IGNORECASE), (), None, 15),
    _Pattern(re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), ("AKIA", "ASIA"), None, 20),
    _Pattern(re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b"), ("@",), None, 6),
    _Pattern(re.compile(r"\b(?:4|5[1-5]|2[2-7]|3[47]|6011|65)(?:[ -]?\d){11,17}\b"), (), luhn, CARD_MIN_DIGITS),
)

#: A key and its value in a rendered object: ``password: 'x'``, ``'api-key': 12``, ``session: { id: 1 }``.
_RENDERED_PAIR = re.compile(r"(^|[\s{,])([A-Za-z_$][\w$]{0,63}|'[^'\n]{1,64}'): ('(?:[^'\\\n]|\\.){0,4096}'|\{[^{}]{0,1024}\}|\[[^\[\]]{0,1024}\]|[^\s,{}\[\]]{1,256})")
_NUMBER_CHARS = frozenset("0123456789-.+e")


def name_segments(name: str) -> list[str]:
    return [s.lower() for s in _SEGMENT.findall(name)]


def check_pattern(source: str) -> "str | None":
    """Why an operator's pattern is refused, or None."""
    if not source:
        return "an empty pattern matches everything"
    if len(source) > MAX_PATTERN_CHARS:
        return f"a pattern is at most {MAX_PATTERN_CHARS} characters; this one has {len(source)}"
    if re.search(r"\\[1-9]|\(\?<?[=!]", source):
        return "back-references and lookarounds are refused: they can make a pattern backtrack without bound"
    if re.search(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)(?:[+*?]|\{\d*,?\d*\})", source):
        return "a repeated group that itself repeats (such as (a+)+) is refused: it can backtrack without bound on some inputs"
    try:
        re.compile(source)
    except re.error as err:
        return f"the pattern does not compile: {err}"
    return None


def _ends_on_segment(segs: list[str], start: int, term: str) -> bool:
    length = 0
    for seg in segs[start:]:
        length += len(seg)
        if length == len(term) or (length == len(term) + 1 and seg.endswith("s")):
            return True
        if length > len(term):
            return False
    return False


class Redaction:
    """The redaction in force; ``version`` moves on every change, so that probes recompute what they decided once."""

    def __init__(self, names: "tuple[str, ...] | list[str]" = (), patterns: "tuple[str, ...] | list[str]" = ()) -> None:
        self.version = 0
        self._names: dict[str, bool] = {}
        self.set(names, patterns)

    def set(self, names: "tuple[str, ...] | list[str]" = (), patterns: "tuple[str, ...] | list[str]" = ()) -> list[str]:
        """Applies the operator's names and patterns; returns the refused patterns, each with why."""
        refused = []
        terms = []
        for term in (*DEFAULT_NAMES, *names):
            segs = name_segments(term)
            if segs:
                one = "".join(segs)
                terms.append((one, one + "s", len(segs) == 1))
        values = list(DEFAULT_VALUES)
        for p in patterns:
            why = check_pattern(p)
            if why is not None:
                refused.append(f"{p}: {why}")
            else:
                values.append(_Pattern(re.compile(p)))
        self._terms = terms
        self._values = values
        #: A number's text shorter than this matches no pattern in force (0 once an operator's pattern might match digits).
        self.numbers_safe_below = 0 if len(values) > len(DEFAULT_VALUES) else CARD_MIN_DIGITS
        self._shortest = min(v.min_length for v in values)
        self._names.clear()
        self.version += 1
        return refused

    def sensitive_name(self, name: str) -> bool:
        known = self._names.get(name)
        if known is None:
            known = self._decide(name)
            if len(self._names) >= MAX_CACHED_NAMES:
                self._names.clear()
            self._names[name] = known
        return known

    def _decide(self, name: str) -> bool:
        segs = name_segments(name)
        joined = ["".join(segs[i:]) for i in range(len(segs))]
        for one, plural, single in self._terms:
            for i, seg in enumerate(segs):
                if single:
                    if seg == one or seg == plural:
                        return True
                elif joined[i].startswith(one) and _ends_on_segment(segs, i, one):
                    return True
        return False

    def redact_rendered(self, text: str) -> str:
        """A rendered object with the values of its secret keys replaced."""
        if ": " not in text:
            return text
        return _RENDERED_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}: {REDACTED}" if self.sensitive_name(m.group(2).replace("'", "")) else m.group(0), text)

    def redact_value(self, text: str) -> str:
        """A value's text in a line: secret keys of a rendered object, then the value patterns."""
        if len(text) < self.numbers_safe_below and _NUMBER_CHARS.issuperset(text):
            return text
        return self.redact_text(self.redact_rendered(text))

    def redact_text(self, text: str) -> str:
        if len(text) < self._shortest:
            return text
        head = text[:MAX_SCAN_CHARS]
        out = head
        for p in self._values:
            if len(out) < p.min_length or (p.hint and not any(h in out for h in p.hint)):
                continue
            if not p.re.search(out):
                continue
            accept = p.accept
            out = p.re.sub(lambda m: REDACTED if accept is None or accept(m.group(0)) else m.group(0), out)
        return text if out == head else out + text[len(head):]
