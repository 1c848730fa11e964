from __future__ import annotations

import torch
from transformers import RobertaConfig, RobertaForSequenceClassification, T5Config, T5ForConditionalGeneration

from codemill.domain.model_speed import percentile
from codemill.infrastructure.inference.speed import measure_speed


def test_percentile_matches_numpy_linear_interpolation() -> None:
    import numpy as np

    values = [5.0, 1.0, 3.0, 10.0, 7.0]
    for q in (0, 25, 50, 95, 99, 100):
        assert abs(percentile(values, q) - float(np.percentile(values, q))) < 1e-9
    assert percentile([], 50) == 0.0


def _inputs(batch: int, length: int) -> dict[str, torch.Tensor]:
    ids = torch.randint(3, 100, (batch, length))
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}


def test_measures_an_encoder_and_an_encoder_decoder_and_orders_their_speed() -> None:
    torch.manual_seed(0)
    small = RobertaForSequenceClassification(
        RobertaConfig(
            vocab_size=120,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=80,
            num_labels=2,
        )
    )
    large = RobertaForSequenceClassification(
        RobertaConfig(
            vocab_size=120,
            hidden_size=256,
            num_hidden_layers=6,
            num_attention_heads=4,
            intermediate_size=1024,
            max_position_embeddings=80,
            num_labels=2,
        )
    )
    samples = [_inputs(1, 48) for _ in range(4)]
    fast = measure_speed(small, samples, batch=_inputs(8, 48), repeats=10)
    slow = measure_speed(large, samples, batch=_inputs(8, 48), repeats=10)
    assert fast.samples == 10 and fast.batch_size == 8 and fast.device == "cpu"
    assert 0 < fast.latency_p50_ms <= fast.latency_p95_ms <= fast.latency_p99_ms
    assert fast.throughput_per_s > 0
    assert fast.speedup_over(slow) > 1.0

    t5 = T5ForConditionalGeneration(
        T5Config(
            vocab_size=120,
            d_model=32,
            d_kv=16,
            d_ff=64,
            num_layers=1,
            num_heads=2,
            decoder_start_token_id=0,
            pad_token_id=0,
            eos_token_id=1,
        )
    )
    figures = measure_speed(t5, samples, batch=_inputs(4, 48), repeats=5, generate_tokens=4)
    assert figures.latency_p50_ms > 0 and figures.batch_size == 4
