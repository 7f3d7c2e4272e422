"""A value a probe could not read without running the program's code.

It reads as its text in a line (``[property]``, ``<== on Cart refused: it
would run Cart.__eq__>``), and any operation on it gives it back, so that
one refused read marks the value it is part of instead of failing the line.
"""


class Marker:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Marker({self.text!r})"
