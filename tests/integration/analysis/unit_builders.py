"""Code units cut from a file by line span, the way a parser reports them (first line unindented)."""

from __future__ import annotations

from codemill.domain.code import CodeUnit, Language, SourceFile, UnitKind


def source_file(path: str, language: Language, text: str) -> SourceFile:
    return SourceFile(path=path, language=language, text=text, source="tests")


def cut_unit(file: SourceFile, kind: UnitKind, name: str, start_line: int, end_line: int) -> CodeUnit:
    lines = file.text.split("\n")[start_line - 1 : end_line]
    lines[0] = lines[0].lstrip()
    code = "\n".join(lines)
    return CodeUnit(
        id=f"{file.path}:{start_line}",
        source=file.source,
        commit="",
        path=file.path,
        language=file.language,
        kind=kind,
        name=name,
        qualified_name=name,
        signature=lines[0],
        docstring=None,
        code=code,
        code_without_docstring=code,
        start_line=start_line,
        end_line=end_line,
        start_byte=0,
        end_byte=len(code.encode()),
        has_error=False,
    )


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing `fragment`."""
    return next(number for number, line in enumerate(text.split("\n"), 1) if fragment in line)
