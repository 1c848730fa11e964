"""Property-based tests of the collect path: `FileProcessor.process` on whatever a source may hold.

The invariants are in `collect_invariants`; the inputs in `strategies`.

- `make test` runs the `default` profile: 500 examples in all, each through
  the processor without redaction and most also with it.
- `HYPOTHESIS_PROFILE=fuzz-long .venv/bin/pytest -p no:cacheprovider tests/fuzz`
  runs twenty times as many, and the tests marked `fuzz_long` (skipped otherwise;
  `-m fuzz_long` runs those alone).
- A failure prints the shrunk input and a `@reproduce_failure` blob.
- For coverage-guided runs of hours, see `atheris_collect`.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codemill.domain.code import Language
from codemill.domain.sources import RawFile
from tests.fuzz import strategies as files
from tests.fuzz.collect_invariants import check, processor
from tests.fuzz.profiles import LONG, active_profile, share


@pytest.fixture(scope="module", autouse=True)
def _processors() -> None:
    """Build both processors (grammars, analyzers) before the first example is timed."""
    processor(redact=False)
    processor(redact=True)


@share(0.15)
@given(files.random_byte_files())
def test_random_bytes(raw: RawFile) -> None:
    check(raw)
    check(raw, redact=True)


@share(0.25)
@given(files.grammar_files())
def test_assembled_source(raw: RawFile) -> None:
    check(raw)
    check(raw, redact=True)


@share(0.2)
@given(files.python_files())
def test_assembled_python_matches_ast(raw: RawFile) -> None:
    result = check(raw)
    assert result.skip_reason is not None or result.language is Language.PYTHON


@share(0.15)
@given(files.truncated_files())
def test_truncated_real_files(raw: RawFile) -> None:
    check(raw)


@share(0.1)
@given(files.reencoded_files())
def test_other_encodings(raw: RawFile) -> None:
    check(raw)


@share(0.08)
@given(files.long_line_files())
def test_very_long_lines(raw: RawFile) -> None:
    check(raw)


@share(0.07)
@given(files.deeply_nested_files())
def test_deep_nesting(raw: RawFile) -> None:
    check(raw)


@pytest.mark.fuzz_long
@pytest.mark.skipif(active_profile() != LONG, reason="set HYPOTHESIS_PROFILE=fuzz-long")
@share(0.5)
@given(st.one_of(files.random_byte_files(), files.grammar_files(), files.truncated_files()))
def test_mixed_inputs_with_redaction(raw: RawFile) -> None:
    check(raw, redact=True)
