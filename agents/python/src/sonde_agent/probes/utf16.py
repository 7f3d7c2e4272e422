"""Lengths and columns in UTF-16 code units, as every Sonde agent counts them.

JavaScript, Java and LSP positions count UTF-16 code units: a character
outside the Basic Multilingual Plane (an emoji) counts two. Python's ``len``
counts code points, so columns and cuts go through here.
"""


def utf16_len(text: str) -> int:
    """How many UTF-16 code units ``text`` is."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def column(text: str, index: int) -> int:
    """The 1-based UTF-16 column of the code point at ``index`` of ``text``."""
    return utf16_len(text[:index]) + 1


def cut(text: str, limit: int) -> tuple[str, bool]:
    """``text`` kept to ``limit`` UTF-16 code units, never half a surrogate pair; and whether it was cut."""
    if len(text) <= limit // 2 or utf16_len(text) <= limit:
        return text, False
    units = 0
    for i, ch in enumerate(text):
        width = 2 if ord(ch) > 0xFFFF else 1
        if units + width > limit:
            return text[:i], True
        units += width
    return text, False
