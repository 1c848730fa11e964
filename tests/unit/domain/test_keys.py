import pytest

from codemill.domain.errors import InvalidKeyError
from codemill.domain.keys import as_dir_prefix, join_key, validate_key, validate_prefix


@pytest.mark.parametrize("key", ["a", "a/b/c.json", "corpora/x/shard-00001.parquet", "a..b/c"])
def test_valid_keys_pass_unchanged(key: str) -> None:
    assert validate_key(key) == key


@pytest.mark.parametrize(
    "key", ["", "/abs", "../x", "a/../b", "a/./b", "a//b", "a/", "a\\b", "..", ".", "a/b/..", "x\x00y"]
)
def test_unsafe_keys_are_rejected(key: str) -> None:
    with pytest.raises(InvalidKeyError):
        validate_key(key)


def test_prefixes_may_be_empty_or_end_with_slash() -> None:
    assert validate_prefix("") == ""
    assert validate_prefix("a/b/") == "a/b/"
    assert validate_prefix("a/sh") == "a/sh"
    with pytest.raises(InvalidKeyError):
        validate_prefix("../")
    with pytest.raises(InvalidKeyError):
        validate_prefix("/")


def test_join_and_dir_prefix() -> None:
    assert join_key("runs/", "/r1", "model/config.json") == "runs/r1/model/config.json"
    assert as_dir_prefix("a/b") == "a/b/"
    assert as_dir_prefix("a/b/") == "a/b/"
    assert as_dir_prefix("") == ""
    with pytest.raises(InvalidKeyError):
        join_key("a", "..", "b")
