"""The .gitignore files of a folder tree, each applied to its own subtree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pathspec import GitIgnoreSpec

GITIGNORE = ".gitignore"


def _parse(text: str) -> GitIgnoreSpec | None:
    lines = text.splitlines()
    try:
        spec = GitIgnoreSpec.from_lines(lines)
    except ValueError:  # one malformed pattern: keep the others
        spec = GitIgnoreSpec.from_lines([line for line in lines if _valid(line)])
    return spec if spec.patterns else None


def _valid(line: str) -> bool:
    try:
        GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class GitIgnores:
    """The stack of .gitignore specs that apply at one folder, outermost first."""

    specs: tuple[tuple[str, GitIgnoreSpec], ...] = ()

    def entering(self, folder: Path, rel_dir: str) -> GitIgnores:
        """The rules inside `folder` (at `rel_dir`, '' for the root): these plus its own .gitignore."""
        try:
            text = (folder / GITIGNORE).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return self
        spec = _parse(text)
        return self if spec is None else GitIgnores((*self.specs, (rel_dir, spec)))

    def ignored(self, path: str, *, is_dir: bool) -> bool:
        """Whether `path` (relative to the root) is ignored; the deepest deciding .gitignore wins."""
        for base, spec in reversed(self.specs):
            local = path[len(base) + 1 :] if base else path
            verdict = spec.check_file(local + "/" if is_dir else local).include
            if verdict is not None:
                return verdict
        return False
