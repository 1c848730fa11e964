import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import RunCli


def test_help_lists_the_working_commands(run_cli: RunCli) -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in ("config", "storage"):
        assert command in result.output


def test_version(run_cli: RunCli) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.output.startswith("codemill, version ")


def test_unknown_command_is_a_usage_error(run_cli: RunCli) -> None:
    assert run_cli("no-such-command").exit_code == 2


def test_help_imports_no_heavy_framework() -> None:
    probe = (
        "import sys\n"
        "from codemill.presentation.cli.main import cli\n"
        "try:\n    cli(['--help'], prog_name='codemill')\nexcept SystemExit:\n    pass\n"
        "names = ('torch', 'transformers', 'boto3', 'tree_sitter', 'datasets')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).parent / "codemill"
    result = subprocess.run([exe, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "Usage: codemill" in result.stdout


def test_a_full_disk_is_one_clear_line(run_cli: RunCli, tmp_path: Path) -> None:
    import errno

    from dependency_injector import providers

    from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore
    from codemill.presentation.container import Container

    class FullDisk(LocalArtifactStore):
        def put(self, key: str, data: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device", "/data/x")

    container = Container()
    container.artifact_store.override(providers.Object(FullDisk(root=tmp_path / "full")))
    result = run_cli("storage", "put", "-", "a/b", input=b"x", container=container)
    assert result.exit_code == 1
    assert "No space left on device writing /data/x" in result.output
    assert "Traceback" not in result.output
