import json
from pathlib import Path

from tests.e2e.conftest import RunCli


def test_put_ls_get_cat_rm_round_trip(run_cli: RunCli, tmp_path: Path, data_root: Path) -> None:
    src = tmp_path / "hello.txt"
    src.write_bytes(b"hello codemill\n")

    put = run_cli("storage", "put", str(src), "docs/hello.txt")
    assert put.exit_code == 0, put.output
    assert (data_root / "docs" / "hello.txt").read_bytes() == b"hello codemill\n"

    listing = run_cli("storage", "ls", "docs/", "--json")
    assert listing.exit_code == 0, listing.output
    assert json.loads(listing.output)["objects"] == [{"key": "docs/hello.txt", "size": 15}]

    assert run_cli("storage", "cat", "docs/hello.txt").stdout_bytes == b"hello codemill\n"

    got = run_cli("storage", "get", "docs/hello.txt", str(tmp_path / "out.txt"))
    assert got.exit_code == 0, got.output
    assert (tmp_path / "out.txt").read_bytes() == b"hello codemill\n"

    removed = run_cli("storage", "rm", "docs/hello.txt")
    assert removed.exit_code == 0
    assert "deleted 1 object" in removed.output
    assert json.loads(run_cli("storage", "ls", "--json").output)["objects"] == []


def test_folders_upload_and_download_recursively(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    (folder / "sub").mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    (folder / "sub" / "w.bin").write_bytes(b"\x00\x01" * 1000)
    assert run_cli("storage", "put", str(folder), "runs/r1").exit_code == 0

    table = run_cli("storage", "ls", "runs/").output
    assert "runs/r1/config.json" in table
    assert "runs/r1/sub/w.bin" in table
    assert "2 objects" in table

    result = run_cli("storage", "get", "runs/r1", str(tmp_path / "back"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "back" / "sub" / "w.bin").read_bytes() == b"\x00\x01" * 1000

    assert run_cli("storage", "rm", "runs/r1").exit_code == 1  # a prefix needs -r
    assert run_cli("storage", "rm", "-r", "runs/r1").exit_code == 0
    assert "0 objects" in run_cli("storage", "ls").output


def test_put_from_stdin(run_cli: RunCli, data_root: Path) -> None:
    result = run_cli("storage", "put", "-", "in/stdin.bin", input=b"piped bytes")
    assert result.exit_code == 0, result.output
    assert (data_root / "in" / "stdin.bin").read_bytes() == b"piped bytes"


def test_missing_key_is_one_clear_line_and_exit_1(run_cli: RunCli) -> None:
    result = run_cli("storage", "cat", "nope/missing.bin")
    assert result.exit_code == 1
    assert "nope/missing.bin" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_traversal_key_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    src = tmp_path / "f"
    src.write_text("x")
    result = run_cli("storage", "put", str(src), "../escape")
    assert result.exit_code == 2
    assert "escape" in result.output
    assert not (tmp_path / "escape").exists()


def test_verify_detects_a_corrupted_artifact(run_cli: RunCli, data_root: Path) -> None:
    from codemill.application.publishing.artifacts import ArtifactWriter
    from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore

    writer = ArtifactWriter(LocalArtifactStore(data_root), "corpora/c", kind="corpus")
    writer.write("a.txt", "alpha")
    writer.write("b.txt", "beta")
    writer.publish()
    ok = run_cli("storage", "verify", "corpora/c", "--json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["checked"] == 2

    (data_root / "corpora" / "c" / "b.txt").write_text("BETA")
    bad = run_cli("storage", "verify", "corpora/c")
    assert bad.exit_code == 1
    assert "checksum mismatch b.txt" in bad.output


def test_config_show_masks_secrets(run_cli: RunCli) -> None:
    env = {"CODEMILL_STORAGE__SECRET_ACCESS_KEY": "s3cr3t-value", "CODEMILL_STORAGE__BUCKET": "bkt"}
    table = run_cli("config", "show", env=env)
    assert table.exit_code == 0, table.output
    assert "CODEMILL_STORAGE__BUCKET" in table.output
    assert "s3cr3t-value" not in table.output
    data = json.loads(run_cli("config", "show", "--json", env=env).output)
    assert data["storage"]["bucket"] == "bkt"
    assert data["storage"]["secret_access_key"] == "**********"


def test_invalid_setting_fails_with_the_variable_named(run_cli: RunCli) -> None:
    result = run_cli("storage", "ls", env={"CODEMILL_STORAGE__BACKEND": "ftp"})
    assert result.exit_code == 1
    assert "CODEMILL_STORAGE__BACKEND" in result.output
    assert "Traceback" not in result.output


def test_s3_backend_without_bucket_names_the_variable(run_cli: RunCli) -> None:
    result = run_cli("storage", "ls", env={"CODEMILL_STORAGE__BACKEND": "s3"})
    assert result.exit_code == 1
    assert "CODEMILL_STORAGE__BUCKET" in result.output
