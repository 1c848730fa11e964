"""Models to train: from-scratch presets sized to the tokenizer, or any pretrained model by name or path.

Presets (parameters for an 8,000-token vocabulary and 512 input positions;
in brackets without the token embedding, which grows with the vocabulary):

| preset | classification: RoBERTa encoder          | generation: T5 encoder-decoder           |
|--------|------------------------------------------|------------------------------------------|
| tiny   | 2 layers, hidden 64, 2 heads, ffn 128:   | d_model 64, 2+2 layers, 2 heads, ffn 128: |
|        | 0.62M (0.10M)                            | 0.68M (0.16M)                            |
| small  | 4 layers, hidden 256, 4 heads, ffn 1024: | d_model 256, 4+4 layers, 4 heads,        |
|        | 5.4M (3.4M)                              | ffn 1024: 9.4M (7.3M)                    |
| base   | 12 layers, hidden 768, 12 heads,         | d_model 512, 6+6 layers, 8 heads,        |
|        | ffn 3072: 92M (86M)                      | ffn 2048: 48M (44M)                      |

Encoders get a sequence-classification head (`problem_type`
'multi_label_classification' for multi-label tasks) and
`max_position_embeddings` = max input length + pad id + 2 (RoBERTa counts
positions from pad id + 1). Seq2seq models start decoding from the pad token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from transformers import (
    GenerationConfig,
    PreTrainedModel,
    RobertaConfig,
    RobertaForSequenceClassification,
    T5Config,
    T5ForConditionalGeneration,
)

from codemill.domain.errors import InputError
from codemill.infrastructure.training.model_needs import ModelNeeds
from codemill.infrastructure.training.pretrained_models import load_pretrained


@dataclass(frozen=True, slots=True)
class Shape:
    layers: int
    hidden: int
    heads: int
    ffn: int


ENCODER_PRESETS = {
    "micro": Shape(layers=1, hidden=64, heads=2, ffn=128),
    "tiny": Shape(layers=2, hidden=64, heads=2, ffn=128),
    "mini": Shape(layers=3, hidden=128, heads=4, ffn=512),
    "small": Shape(layers=4, hidden=256, heads=4, ffn=1024),
    "base": Shape(layers=12, hidden=768, heads=12, ffn=3072),
}
SEQ2SEQ_PRESETS = {  # layers on each side: encoder and decoder
    "micro": Shape(layers=1, hidden=64, heads=2, ffn=128),
    "tiny": Shape(layers=2, hidden=64, heads=2, ffn=128),
    "mini": Shape(layers=3, hidden=128, heads=4, ffn=512),
    "small": Shape(layers=4, hidden=256, heads=4, ffn=1024),
    "base": Shape(layers=6, hidden=512, heads=8, ffn=2048),
}


def load_model(name_or_path: str, needs: ModelNeeds) -> PreTrainedModel:
    """A preset name builds a fresh model; anything else loads with `from_pretrained` (InputError if not)."""
    if needs.kind != "seq2seq" and not needs.label_names:
        raise InputError("a classification model needs label names (label_map.json is empty)")
    if name_or_path in ENCODER_PRESETS:
        return _preset(name_or_path, needs)
    return load_pretrained(name_or_path, needs, _head_options(needs))


def _preset(name: str, needs: ModelNeeds) -> PreTrainedModel:
    special: dict[str, Any] = {
        "pad_token_id": needs.pad_token_id,
        "bos_token_id": needs.bos_token_id,
        "eos_token_id": needs.eos_token_id,
    }
    if needs.kind == "seq2seq":
        return _t5(SEQ2SEQ_PRESETS[name], needs, special)
    shape = ENCODER_PRESETS[name]
    config = RobertaConfig(
        vocab_size=needs.vocab_size,
        hidden_size=shape.hidden,
        num_hidden_layers=shape.layers,
        num_attention_heads=shape.heads,
        intermediate_size=shape.ffn,
        max_position_embeddings=needs.max_input_length + needs.pad_token_id + 2,
        type_vocab_size=1,
        **special,
        **_head_options(needs),
    )
    return RobertaForSequenceClassification(config)


def _t5(shape: Shape, needs: ModelNeeds, special: dict[str, Any]) -> PreTrainedModel:
    config = T5Config(
        vocab_size=needs.vocab_size,
        d_model=shape.hidden,
        d_kv=shape.hidden // shape.heads,
        d_ff=shape.ffn,
        num_layers=shape.layers,
        num_decoder_layers=shape.layers,
        num_heads=shape.heads,
        **special,
    )
    config.decoder_start_token_id = needs.pad_token_id
    model = T5ForConditionalGeneration(config)
    model.generation_config = GenerationConfig(  # type: ignore[no-untyped-call]
        decoder_start_token_id=needs.pad_token_id, **special
    )
    return model


def _head_options(needs: ModelNeeds) -> dict[str, Any]:
    if needs.kind == "seq2seq":
        return {}
    names = needs.label_names
    options: dict[str, Any] = {
        "num_labels": len(names),
        "id2label": dict(enumerate(names)),
        "label2id": {name: index for index, name in enumerate(names)},
    }
    if needs.kind == "multi_label":
        options["problem_type"] = "multi_label_classification"
    return options
