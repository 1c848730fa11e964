"""Python security findings from bandit, run in-process once per file."""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Sequence
from typing import Any

from bandit.core import config as bandit_config
from bandit.core import manager as bandit_manager

from codemill.domain.code import CodeUnit, Language, SourceFile
from codemill.domain.corpus import SecurityFinding
from codemill.infrastructure.analysis.unit_spans import indices_containing

# B101 (assert_used) fires on every assert of every test: noise, not a security fact.
DEFAULT_SKIPPED_TESTS = ("B101",)


class BanditSecurityScanner:
    """SecurityScanner for Python, backed by bandit used as a library.

    Contract: one tuple of findings per unit, in order. The file's text is fed
    to bandit from memory (no temp file, no subprocess) once per file. A
    finding belongs to every unit whose line span holds its line: the
    innermost unit and each enclosing class or function, since all their
    codes contain the flagged line; module-level findings belong to no unit.
    `# nosec` comments are honoured as bandit does. Tests listed in
    `skip_tests` are not run (by default B101, assert_used). A file bandit
    cannot parse, or any bandit failure, gives no findings. Never raises.
    """

    def __init__(self, skip_tests: Sequence[str] = DEFAULT_SKIPPED_TESTS) -> None:
        self._profile = {"exclude": list(skip_tests)} if skip_tests else {}
        logging.getLogger("bandit").setLevel(logging.CRITICAL)

    def supports(self, language: Language) -> bool:
        return language is Language.PYTHON

    def scan(self, file: SourceFile, units: Sequence[CodeUnit]) -> list[tuple[SecurityFinding, ...]]:
        per_unit: list[list[SecurityFinding]] = [[] for _ in units]
        if not self.supports(file.language) or not units:
            return [() for _ in units]
        for finding in self._findings(file):
            for index in indices_containing(units, finding.line):
                per_unit[index].append(finding)
        return [tuple(sorted(found, key=lambda f: (f.line, f.test_id))) for found in per_unit]

    def _findings(self, file: SourceFile) -> list[SecurityFinding]:
        name = file.path or "<string>.py"
        try:
            # A manager keeps per-file results and metrics, so each file gets a fresh one (~0.1 ms);
            # the configuration and the loaded plugins are shared by the whole process.
            manager = bandit_manager.BanditManager(_config(), "file", profile=self._profile)
            data = io.BytesIO(file.text.encode("utf-8", errors="replace"))
            manager._parse_file(name, data, [name])  # in-memory scan; bandit reads no disk here
            return [_finding(issue) for issue in manager.results]
        except Exception:
            return []


@functools.cache
def _config() -> Any:
    """bandit's default configuration, built once per process (it loads every plugin)."""
    return bandit_config.BanditConfig()


def _finding(issue: Any) -> SecurityFinding:
    cwe_id = getattr(getattr(issue, "cwe", None), "id", 0)
    return SecurityFinding(
        test_id=str(issue.test_id),
        test_name=str(issue.test),
        cwe=int(cwe_id) if cwe_id else None,
        severity=str(issue.severity),
        confidence=str(issue.confidence),
        line=int(issue.lineno),
        message=str(issue.text),
    )
