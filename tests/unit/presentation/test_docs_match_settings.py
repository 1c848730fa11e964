"""The configuration reference and the README list every setting the code reads."""

from pathlib import Path

import pytest

from codemill.presentation.settings import reference_rows

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("doc", ["docs/configuration.md", "README.md"])
def test_every_variable_is_documented_with_its_default(doc: str) -> None:
    text = (ROOT / doc).read_text()
    missing = []
    for row in reference_rows():
        default = f"`{row['default']}`" if row["default"] else "(none)"
        if f"| `{row['variable']}` | {default} |" not in text:
            missing.append(row["variable"])
    assert not missing, f"{doc} does not document (or has a stale default for) {missing}"
