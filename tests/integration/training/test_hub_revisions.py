"""Hub revisions with the real transformers and huggingface_hub, offline, from a hub cache built here.

The installed huggingface_hub reads HF_HUB_CACHE (else HUGGINGFACE_HUB_CACHE) once, at import, into
`huggingface_hub.constants.HF_HUB_CACHE`; transformers and `try_to_load_from_cache` read that constant
at each call, so the fixture points both the constant and the variables at a temporary cache. The
product's own offline switch (`hub_offline`) reads HF_HUB_OFFLINE at each call; the module's autouse
fixture sets it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from codemill.domain.errors import InputError
from codemill.infrastructure.tokenizers.bpe_tokenizer_provider import HfTokenizerProvider
from codemill.infrastructure.tokenizers.hub_access import cached_commit
from codemill.infrastructure.training.distillation.hf_teacher_locator import HfTeacherLocator
from codemill.infrastructure.training.model_needs import ModelNeeds
from codemill.infrastructure.training.model_presets import load_model
from codemill.infrastructure.training.pretrained_models import load_pretrained
from tests.integration.training.training_data import language_samples

NAME = "someone/tiny-coder"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
OTHER = "fedcba9876543210fedcba9876543210fedcba98"
LABELS = ("go", "python")
TOKENIZER_FILES = ("tokenizer_config.json", "tokenizer.json")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A tiny classifier and its tokenizer saved as one hub snapshot; the cache root and the vocabulary."""
    root = tmp_path_factory.mktemp("hub-cache")
    repo = root / ("models--" + NAME.replace("/", "--"))
    folder = repo / "snapshots" / COMMIT
    folder.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    texts = [sample.text for sample in language_samples(40, 5)]
    tokenizer = HfTokenizerProvider().train(texts, vocab_size=300, min_frequency=1)
    for name, payload in tokenizer.files().items():
        (folder / name).write_bytes(payload)
    model = load_model("micro", _needs(tokenizer.vocab_size))
    model.save_pretrained(str(folder))
    return root, tokenizer.vocab_size


@pytest.fixture
def hub_cache(snapshot: tuple[Path, int], monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The cache above as the Hugging Face cache, offline, with codemill's warnings reaching caplog."""
    import huggingface_hub.constants

    root = str(snapshot[0])
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", root)
    monkeypatch.setenv("HUGGINGFACE_HUB_CACHE", root)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", root)
    monkeypatch.setattr(logging.getLogger("codemill"), "propagate", True)  # the CLI turns it off
    yield snapshot[1]


def _needs(vocab_size: int, revision: str | None = None) -> ModelNeeds:
    return ModelNeeds(
        kind="single_label", vocab_size=vocab_size, label_names=LABELS, max_input_length=64, revision=revision
    )


def _unpinned(caplog: pytest.LogCaptureFixture, what: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and what in r.getMessage()]


def test_a_pinned_hub_model_loads_offline_and_reports_its_commit(
    hub_cache: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        model = load_pretrained(NAME, _needs(hub_cache, revision=COMMIT), {})
    assert model.config.num_labels == len(LABELS)
    assert model.get_input_embeddings().weight.shape[0] >= hub_cache  # type: ignore[index]
    assert model.config._commit_hash == COMMIT  # what the run record's model_revision is read from
    assert not [r for r in caplog.records if "unpinned" in r.getMessage()]


def test_the_commit_is_never_saved_with_the_model(hub_cache: int, tmp_path: Path) -> None:
    model = load_pretrained(NAME, _needs(hub_cache, revision=COMMIT), {})
    model.save_pretrained(str(tmp_path))
    assert "_commit_hash" not in json.loads((tmp_path / "config.json").read_text())


def test_an_unpinned_hub_model_warns_once_and_reports_the_cached_commit(
    hub_cache: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        model = load_pretrained(NAME, _needs(hub_cache), {})
    assert _unpinned(caplog, "is unpinned") == [
        f"model {NAME} is unpinned and may change on the hub: pass --revision COMMIT to pin it"
    ]
    assert model.config._commit_hash == COMMIT  # refs/main points at it


def test_a_commit_not_in_the_cache_fails_offline_in_one_line(hub_cache: int) -> None:
    with pytest.raises(InputError) as raised:
        load_pretrained(NAME, _needs(hub_cache, revision=OTHER), {})
    assert str(raised.value).startswith(f"cannot load model {NAME!r} on disk:")
    assert "\n" not in str(raised.value)


def test_a_local_folder_with_a_revision_is_refused(hub_cache: int, snapshot: tuple[Path, int]) -> None:
    folder = snapshot[0] / ("models--" + NAME.replace("/", "--")) / "snapshots" / COMMIT
    with pytest.raises(InputError, match="is a local folder: a revision pins hub models only"):
        load_pretrained(str(folder), _needs(hub_cache, revision=COMMIT), {})


def test_a_pinned_hub_tokenizer_loads_offline_at_its_commit(
    hub_cache: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        tokenizer = HfTokenizerProvider().pretrained(NAME, COMMIT)
    assert tokenizer.name == NAME and tokenizer.vocab_size == hub_cache
    assert tokenizer.revision == COMMIT
    assert cached_commit(NAME, COMMIT, TOKENIZER_FILES) == COMMIT
    assert cached_commit(NAME, OTHER, TOKENIZER_FILES) is None
    assert not [r for r in caplog.records if "unpinned" in r.getMessage()]


def test_an_unpinned_hub_tokenizer_warns_and_still_records_the_cached_commit(
    hub_cache: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        tokenizer = HfTokenizerProvider().pretrained(NAME)
    assert _unpinned(caplog, "is unpinned") == [
        f"tokenizer {NAME} is unpinned and may change on the hub: pass --tokenizer-revision COMMIT to pin it"
    ]
    assert tokenizer.revision == COMMIT


def test_a_tokenizer_at_a_commit_not_in_the_cache_fails_offline_in_one_line(hub_cache: int) -> None:
    with pytest.raises(InputError) as raised:
        HfTokenizerProvider().pretrained(NAME, OTHER)
    assert str(raised.value).startswith(f"cannot load tokenizer {NAME!r}: not a local folder and the hub is")
    assert "\n" not in str(raised.value)


def test_a_pinned_hub_teacher_is_located_at_its_commit(
    hub_cache: int, snapshot: tuple[Path, int], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        located = HfTeacherLocator(hub_cache_dir=str(snapshot[0])).locate(NAME, COMMIT)
    assert located is not None and located.origin == "hub" and located.revision == COMMIT
    assert Path(located.folder).name == COMMIT
    assert not [r for r in caplog.records if "unpinned" in r.getMessage()]
    with caplog.at_level(logging.WARNING):
        HfTeacherLocator(hub_cache_dir=str(snapshot[0])).locate(NAME)
    assert _unpinned(caplog, "teacher") == [
        f"teacher {NAME} is unpinned and may change on the hub: pass --teacher-revision COMMIT to pin it"
    ]
    with pytest.raises(InputError, match=f"cannot download teacher {NAME!r}"):
        HfTeacherLocator(hub_cache_dir=str(snapshot[0])).locate(NAME, OTHER)
