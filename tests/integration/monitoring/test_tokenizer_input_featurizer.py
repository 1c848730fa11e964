"""Input features with real tokenizers (a trained byte-level BPE, a WordPiece with [UNK]) and radon."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codemill.domain.errors import InputError
from codemill.infrastructure.monitoring.tokenizer_input_featurizer import TokenizerInputFeaturizer
from codemill.infrastructure.tokenizers import HfTokenizerProvider

PYTHON = (
    "def pick(items, key):\n    if key in items:\n        return items[key]\n"
    "    elif key is None:\n        pass\n"
)
JAVASCRIPT = "function add(a, b) {\n  const sum = a + b;\n  console.log(sum);\n  return sum;\n}\n"
METHOD = "    def size(self):\n        return len(self.items) if self.items else None\n"


@pytest.fixture(scope="module")
def bpe_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tokenizer = HfTokenizerProvider().train(
        [PYTHON, JAVASCRIPT, METHOD] * 20, vocab_size=300, min_frequency=1
    )
    folder = tmp_path_factory.mktemp("bpe")
    for name, payload in tokenizer.files().items():
        (folder / name).write_bytes(payload)
    return folder


@pytest.fixture(scope="module")
def wordpiece_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokenizers import Tokenizer
    from tokenizers.models import WordPiece
    from tokenizers.pre_tokenizers import Whitespace

    vocab = {"[UNK]": 0, "def": 1, "return": 2, "x": 3, "(": 4, ")": 5, ":": 6}
    tokenizer = Tokenizer(WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    folder = tmp_path_factory.mktemp("wordpiece")
    tokenizer.save(str(folder / "tokenizer.json"))
    return folder


def test_features_of_python_and_javascript(bpe_folder: Path) -> None:
    featurizer = TokenizerInputFeaturizer()
    python, javascript, method = featurizer.featurize(str(bpe_folder), [PYTHON, JAVASCRIPT, METHOD])
    assert (python.language, python.complexity, python.oov_rate) == ("python", 3.0, 0.0)
    assert (javascript.language, javascript.complexity) == ("javascript", None)
    assert method.complexity == 2.0  # a method on its own is dedented before radon reads it
    lengths = HfTokenizerProvider().pretrained(str(bpe_folder)).lengths([PYTHON, JAVASCRIPT, METHOD])
    assert [python.tokens, javascript.tokens, method.tokens] == lengths


def test_python_that_does_not_parse_has_no_complexity_and_a_long_input_is_never_truncated(
    bpe_folder: Path,
) -> None:
    broken, long = TokenizerInputFeaturizer().featurize(
        str(bpe_folder), ["def f(:\n    elif None pass", PYTHON * 200]
    )
    assert (broken.language, broken.complexity) == ("python", None)
    assert long.tokens > 5_000


def test_the_oov_rate_is_the_share_of_unknown_tokens(wordpiece_folder: Path) -> None:
    featurizer = TokenizerInputFeaturizer()
    known, half = featurizer.featurize(str(wordpiece_folder), ["def x ( ) : return x", "return y z x"])
    assert known.oov_rate == 0.0 and known.tokens == 7
    assert half.oov_rate == pytest.approx(0.5)
    (wordpiece_folder / "tokenizer_config.json").write_text(json.dumps({"unk_token": {"content": "x"}}))
    assert TokenizerInputFeaturizer().featurize(str(wordpiece_folder), ["x x def"])[
        0
    ].oov_rate == pytest.approx(2 / 3)  # the configured unknown token wins
    (wordpiece_folder / "tokenizer_config.json").unlink()


def test_output_lengths_and_a_folder_without_a_tokenizer(bpe_folder: Path, tmp_path: Path) -> None:
    featurizer = TokenizerInputFeaturizer()
    assert featurizer.token_counts(str(bpe_folder), ["", "get user"]) == HfTokenizerProvider().pretrained(
        str(bpe_folder)
    ).lengths(["", "get user"])
    with pytest.raises(InputError, match=r"tokenizer\.json is needed"):
        featurizer.featurize(str(tmp_path), ["x"])
