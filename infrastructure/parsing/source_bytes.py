"""A file's text as UTF-8 bytes, the form tree-sitter reads and reports offsets in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceBytes:
    """The encoded text and the codec error handler that round-trips it.

    Text decoded from invalid UTF-8 with `surrogateescape` encodes back to
    the original bytes; any other lone surrogate is kept with `surrogatepass`.
    """

    data: bytes
    errors: str

    @classmethod
    def of(cls, text: str) -> SourceBytes:
        try:
            return cls(text.encode("utf-8"), "strict")
        except UnicodeEncodeError:
            pass
        try:
            return cls(text.encode("utf-8", "surrogateescape"), "surrogateescape")
        except UnicodeEncodeError:
            return cls(text.encode("utf-8", "surrogatepass"), "surrogatepass")

    def text(self, start: int, end: int) -> str:
        """The text between two byte offsets; never raises."""
        return self.decode(self.data[start:end])

    def decode(self, chunk: bytes) -> str:
        """`chunk` (bytes cut from this source at token boundaries) as text; never raises."""
        try:
            return chunk.decode("utf-8", self.errors)
        except UnicodeDecodeError:
            return chunk.decode("utf-8", "surrogateescape")
