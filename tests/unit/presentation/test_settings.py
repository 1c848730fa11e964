from pathlib import Path

import pytest

from codemill.domain.errors import ConfigurationError
from codemill.presentation.settings import env_name, load_settings, masked


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(__import__("os").environ):
        if name.startswith("CODEMILL_"):
            monkeypatch.delenv(name)


def test_defaults_use_local_storage() -> None:
    settings = load_settings()
    assert settings.storage.backend == "local"
    assert settings.storage.root == Path("codemill-data")


def test_nested_variables_switch_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEMILL_STORAGE__BACKEND", "s3")
    monkeypatch.setenv("CODEMILL_STORAGE__BUCKET", "b")
    monkeypatch.setenv("CODEMILL_STORAGE__PROVIDER", "minio")
    monkeypatch.setenv("CODEMILL_STORAGE__ENDPOINT_URL", "http://127.0.0.1:9000")
    storage = load_settings().storage
    assert (storage.backend, storage.bucket, storage.provider) == ("s3", "b", "minio")
    assert storage.endpoint_url == "http://127.0.0.1:9000"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CODEMILL_STORAGE__ROOT=/srv/artifacts\nCODEMILL_LOG_LEVEL=DEBUG\n")
    settings = load_settings()
    assert settings.storage.root == Path("/srv/artifacts")
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CODEMILL_STORAGE__BACKEND", "ftp"),
        ("CODEMILL_STORAGE__MAX_ATTEMPTS", "many"),
        ("CODEMILL_STORAGE__CONNECT_TIMEOUT", "-1"),
        ("CODEMILL_LOG_LEVEL", "LOUD"),
    ],
)
def test_invalid_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    message = str(info.value)
    assert name in message
    assert "\n" not in message


def test_secrets_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEMILL_STORAGE__SECRET_ACCESS_KEY", "hunter2-very-secret")
    monkeypatch.setenv("CODEMILL_STORAGE__ACCESS_KEY_ID", "AKIDEXAMPLE")
    shown = masked(load_settings())
    assert "hunter2-very-secret" not in str(shown)
    assert "AKIDEXAMPLE" not in str(shown)
    assert shown["storage"]["secret_access_key"] == "**********"


def test_env_name_builds_the_nested_variable() -> None:
    assert env_name(("storage", "endpoint_url")) == "CODEMILL_STORAGE__ENDPOINT_URL"
