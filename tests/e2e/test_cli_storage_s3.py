"""The same storage commands against a real S3-compatible server, switched by environment only."""

import json
from pathlib import Path

from tests.e2e.conftest import RunCli
from tests.support.seaweedfs_server import SeaweedServer


def _s3_env(server: SeaweedServer, bucket: str) -> dict[str, str]:
    return {
        "CODEMILL_STORAGE__BACKEND": "s3",
        "CODEMILL_STORAGE__PROVIDER": "seaweedfs",
        "CODEMILL_STORAGE__BUCKET": bucket,
        "CODEMILL_STORAGE__ENDPOINT_URL": server.endpoint_url,
        "CODEMILL_STORAGE__ACCESS_KEY_ID": server.access_key,
        "CODEMILL_STORAGE__SECRET_ACCESS_KEY": server.secret_key,
    }


def test_put_ls_get_over_s3(run_cli: RunCli, seaweedfs: SeaweedServer, tmp_path: Path) -> None:
    env = _s3_env(seaweedfs, seaweedfs.create_bucket())
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text('{"layers": 2}')
    (folder / "weights.bin").write_bytes(bytes(range(256)) * 100)

    assert run_cli("storage", "put", str(folder), "runs/r1", env=env).exit_code == 0
    listing = json.loads(run_cli("storage", "ls", "runs/", "--json", env=env).output)
    assert listing["location"].startswith("s3://")
    assert [o["key"] for o in listing["objects"]] == ["runs/r1/config.json", "runs/r1/weights.bin"]

    result = run_cli("storage", "get", "runs/r1", str(tmp_path / "back"), env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "back" / "weights.bin").read_bytes() == bytes(range(256)) * 100
    assert run_cli("storage", "cat", "runs/r1/config.json", env=env).output == '{"layers": 2}'


def test_bad_credentials_are_one_line_without_the_secret(run_cli: RunCli, seaweedfs: SeaweedServer) -> None:
    env = _s3_env(seaweedfs, seaweedfs.create_bucket())
    env["CODEMILL_STORAGE__SECRET_ACCESS_KEY"] = "definitely-wrong-secret"
    result = run_cli("storage", "ls", env=env)
    assert result.exit_code == 1
    assert "definitely-wrong-secret" not in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
