"""Which programming language a file holds, from its name or its shebang line."""

from __future__ import annotations

import re

from codemill.domain.code import Language

_BY_EXTENSION: dict[str, Language] = {
    ".py": Language.PYTHON,
    ".pyi": Language.PYTHON,
    ".pyw": Language.PYTHON,
    ".js": Language.JAVASCRIPT,
    ".mjs": Language.JAVASCRIPT,
    ".cjs": Language.JAVASCRIPT,
    ".jsx": Language.JAVASCRIPT,
    ".ts": Language.TYPESCRIPT,
    ".mts": Language.TYPESCRIPT,
    ".cts": Language.TYPESCRIPT,
    ".tsx": Language.TSX,
    ".java": Language.JAVA,
    ".go": Language.GO,
    ".rs": Language.RUST,
    ".c": Language.C,
    ".h": Language.C,
    ".cc": Language.CPP,
    ".cpp": Language.CPP,
    ".cxx": Language.CPP,
    ".hpp": Language.CPP,
    ".hh": Language.CPP,
    ".hxx": Language.CPP,
    ".cs": Language.CSHARP,
    ".rb": Language.RUBY,
    ".rake": Language.RUBY,
    ".gemspec": Language.RUBY,
    ".php": Language.PHP,
    ".kt": Language.KOTLIN,
    ".kts": Language.KOTLIN,
}

# Interpreter names as they appear in a shebang, with an optional version suffix.
_INTERPRETER = re.compile(r"^(python|node|nodejs|ruby|php)(\d+(\.\d+)*)?$")
_BY_INTERPRETER: dict[str, Language] = {
    "python": Language.PYTHON,
    "node": Language.JAVASCRIPT,
    "nodejs": Language.JAVASCRIPT,
    "ruby": Language.RUBY,
    "php": Language.PHP,
}


def detect_language(path: str, head: str | None = None) -> Language | None:
    """The language of the file at `path`, or None when it is not one we parse.

    The extension decides (case-insensitively); a file without a known
    extension is recognised by the shebang on the first line of `head`
    (`#!/usr/bin/python3`, `#!/usr/bin/env node`, `#!/usr/bin/env -S ruby -w`).
    """
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    dot = name.rfind(".")
    if dot > 0:
        language = _BY_EXTENSION.get(name[dot:].lower())
        if language is not None:
            return language
    if head is None:
        return None
    return _language_from_shebang(head)


def _language_from_shebang(head: str) -> Language | None:
    first_line = head.lstrip("\ufeff").split("\n", 1)[0].strip()
    if not first_line.startswith("#!"):
        return None
    words = first_line[2:].split()
    if not words:
        return None
    program = words[0].rsplit("/", 1)[-1]
    if program == "env":
        candidates = [word for word in words[1:] if not word.startswith("-") and "=" not in word]
        if not candidates:
            return None
        program = candidates[0].rsplit("/", 1)[-1]
    match = _INTERPRETER.match(program)
    return _BY_INTERPRETER[match.group(1)] if match else None
