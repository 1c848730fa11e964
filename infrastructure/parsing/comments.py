"""The comments of one file, in source order, with the look-ups the extractor needs."""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class CommentIndex:
    """Comment byte spans (start, end), sorted and disjoint."""

    __slots__ = ("end_set", "ends", "spans", "starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [start for start, _ in self.spans]
        self.ends = [end for _, end in self.spans]
        self.end_set = frozenset(self.ends)

    def __len__(self) -> int:
        return len(self.spans)

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """The comments lying inside [start, end)."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end, first)
        return [span for span in self.spans[first:last] if span[1] <= end]

    def last_before(self, position: int) -> int:
        """Index of the last comment ending at or before `position`, or -1."""
        return bisect_right(self.ends, position) - 1

    def ends_at(self, position: int) -> bool:
        return position in self.end_set

    def without_comments(self, data: bytes, start: int, end: int) -> bytes:
        """`data[start:end]` with each comment replaced by one space."""
        inner = self.within(start, end)
        if not inner:
            return data[start:end]
        pieces = []
        position = start
        for comment_start, comment_end in inner:
            pieces.append(data[position:comment_start])
            position = comment_end
        pieces.append(data[position:end])
        return b" ".join(pieces)
