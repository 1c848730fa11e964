"""The Python examples of docs/python-api.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "python-api.md"


def examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_doc_has_examples() -> None:
    assert len(examples()) >= 2


@pytest.mark.parametrize("index", range(len(examples())))
def test_each_example_runs(
    index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import torch

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CODEMILL_STORAGE__ROOT", str(tmp_path / "store"))
    monkeypatch.setenv("CODEMILL_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("CODEMILL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        exec(
            compile(examples()[index], f"{DOC.name} example {index + 1}", "exec"),
            {"__name__": "__doc_example__"},
        )
    finally:
        torch.set_num_threads(threads)
    printed = capsys.readouterr().out
    assert printed.strip(), "an example prints what it did"
    if index == 0:
        assert "validation passed:" in printed
        assert "('train', 'ran')" in printed
