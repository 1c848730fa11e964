"""Runs the real CLI in-process with CliRunner, against a fresh container each test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from codemill.presentation.cli.main import cli
from codemill.presentation.container import Container
from codemill.presentation.wiring import wire_cli

RunCli = Callable[..., Result]


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def run_cli(tmp_path: Path, data_root: Path, monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """run_cli(*args, env=None, input=None, container=None): invoke `codemill ARGS` with local storage by
    default, on `container` (a Container whose providers the test overrode) or a fresh one."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("CODEMILL_"):
            monkeypatch.delenv(name)
    base_env = {"CODEMILL_STORAGE__ROOT": str(data_root)}

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        input: bytes | str | None = None,
        container: Container | None = None,
    ) -> Result:
        wire_cli(container or Container())
        runner = CliRunner()
        return runner.invoke(cli, list(args), env={**base_env, **(env or {})}, input=input)

    return run


@pytest.fixture(scope="session")
def classifier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tiny trained language classifier that the serving tests share, trained once a session on
    `classifier_splits()` with one torch thread and the hub offline."""
    import torch

    from tests.support.serving import train_classifier

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        yield train_classifier(tmp_path_factory.mktemp("kinds"))
    torch.set_num_threads(threads)


@pytest.fixture
def one_torch_thread() -> Iterator[None]:
    """Torch on one thread for the test (tiny models train faster so on two cores), then as it was."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


TINY_BUDGET = ("--max-steps", "4", "--eval-every", "4", "--batch-size", "8", "--max-input-length", "64")


def train_kinds_classifier(run_cli: RunCli, source: Path, name: str) -> str:
    """Model NAME: a tiny classifier of code kinds (json of the standard library), trained in seconds,
    on dataset 'kinds' of corpus 'lib' (collected from a copy in `source`)."""
    import shutil
    import sysconfig

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    shutil.copytree(stdlib / "json", source / "json", ignore=shutil.ignore_patterns("__pycache__"))
    assert run_cli("collect", str(source), "--name", "lib", "--workers", "1", "--no-security").exit_code == 0
    built = run_cli(
        "dataset", "build", "lib", "--task", "classification", "--label-field", "kind", "--name", "kinds",
        "--vocab-size", "400",
    )  # fmt: skip
    assert built.exit_code == 0, built.output
    trained = run_cli("train", "kinds", "--name", name, "--model", "tiny", *TINY_BUDGET)
    assert trained.exit_code == 0, trained.output
    return name
