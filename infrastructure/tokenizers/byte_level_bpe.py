"""Training a byte-level BPE that serves encoders (cls=<s>, sep=</s>) and seq2seq models (pad 0, eos </s>)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenizers import Tokenizer
    from tokenizers.processors import PostProcessor
    from transformers import PreTrainedTokenizerFast

PAD, BOS, EOS, UNK, MASK = "<pad>", "<s>", "</s>", "<unk>", "<mask>"
SPECIAL_TOKENS = (PAD, BOS, EOS, UNK, MASK)  # ids 0..4, in this order
MODEL_MAX_LENGTH = 1024
BYTE_ALPHABET_SIZE = 256
_BATCH = 1_000


def train_byte_level_bpe(
    texts: Iterable[str], *, vocab_size: int, min_frequency: int
) -> PreTrainedTokenizerFast:
    """Learn merges from `texts` (streamed in batches) and wrap the result for transformers.

    The same texts in the same order give the same tokenizer, byte for byte.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(_batched(texts), trainer=trainer)
    backend.post_processor = _wrap_in_bos_eos(backend)
    return _as_transformers(backend)


def _wrap_in_bos_eos(backend: Tokenizer) -> PostProcessor:
    from tokenizers import processors

    bos, eos = backend.token_to_id(BOS), backend.token_to_id(EOS)
    return processors.TemplateProcessing(
        single=f"{BOS} $A {EOS}",
        pair=f"{BOS} $A {EOS} {EOS} $B {EOS}",
        special_tokens=[(BOS, bos), (EOS, eos)],
    )


def _as_transformers(backend: Tokenizer) -> PreTrainedTokenizerFast:
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=backend,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=PAD,
        unk_token=UNK,
        mask_token=MASK,
        cls_token=BOS,
        sep_token=EOS,
        model_max_length=MODEL_MAX_LENGTH,
    )


def _batched(texts: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
