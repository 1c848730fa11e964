"""Port: report progress of long work to a person (never to stdout)."""

from __future__ import annotations

from typing import Protocol


class ProgressBar(Protocol):
    def advance(self, n: int = 1, **status: object) -> None: ...

    def close(self) -> None: ...


class ProgressReporter(Protocol):
    """Creates progress bars. Contract: output goes to stderr or nowhere; never fails the work."""

    def bar(self, label: str, *, total: int | None = None, unit: str = "it") -> ProgressBar: ...


class NullProgress:
    """A reporter that shows nothing: the default for library use and tests."""

    def bar(self, label: str, *, total: int | None = None, unit: str = "it") -> ProgressBar:
        return _NullBar()


class _NullBar:
    def advance(self, n: int = 1, **status: object) -> None:
        return None

    def close(self) -> None:
        return None
