"""Rules every code source shares: which folders to skip and which files hold code."""

from __future__ import annotations

from collections.abc import Callable

from codemill.domain.code import Language
from codemill.domain.language_detection import detect_language

#: Folders no source descends into: version control, dependencies, caches, build output.
SKIPPED_DIR_NAMES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "vendor",
        "third_party",
        ".venv",
        "venv",
        "site-packages",
        "dist",
        "build",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
    }
)
#: A folder holding this file is a Python virtual environment, whatever its name.
VENV_MARKER = "pyvenv.cfg"
#: `target` is skipped only when one of these sits beside it (Rust and Maven build output).
TARGET_MARKERS = ("Cargo.toml", "pom.xml")
#: How much of an extensionless file is read to look for a shebang.
HEAD_BYTES = 256

Exists = Callable[[str], bool]


def join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def is_skipped_dir(dir_path: str, exists: Exists) -> bool:
    """Whether the folder at `dir_path` ('/'-separated, relative) is vendored or generated.

    `exists(relative_path)` tells whether a file exists in the same tree.
    """
    parent, _, name = dir_path.rpartition("/")
    if name in SKIPPED_DIR_NAMES or exists(join(dir_path, VENV_MARKER)):
        return True
    return name == "target" and any(exists(join(parent, marker)) for marker in TARGET_MARKERS)


def has_extension(path: str) -> bool:
    return path.rsplit("/", 1)[-1].rfind(".") > 0


def language_of(path: str, read_head: Callable[[], bytes]) -> Language | None:
    """The language of a file from its name, or for an extensionless file from its shebang.

    `read_head` is called only when the name alone does not decide.
    """
    language = detect_language(path)
    if language is not None or has_extension(path):
        return language
    return detect_language(path, read_head()[:HEAD_BYTES].decode("utf-8", errors="replace"))


class TreeDirFilter:
    """Applies `is_skipped_dir` to every ancestor folder of paths from a known list.

    For trees given as a flat list of file paths (archive members, storage keys).
    """

    def __init__(self, paths: set[str]) -> None:
        self._paths = paths
        self._verdicts: dict[str, bool] = {}

    def excluded(self, path: str) -> bool:
        parts = path.split("/")[:-1]
        return any(self._dir_skipped("/".join(parts[: depth + 1])) for depth in range(len(parts)))

    def _dir_skipped(self, dir_path: str) -> bool:
        verdict = self._verdicts.get(dir_path)
        if verdict is None:
            verdict = is_skipped_dir(dir_path, self._paths.__contains__)
            self._verdicts[dir_path] = verdict
        return verdict
