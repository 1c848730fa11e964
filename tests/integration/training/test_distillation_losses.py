"""The pooled distillation losses on hand-made tensors: pooling, semantic distance, in-batch InfoNCE."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from codemill.infrastructure.training.distillation.losses import info_nce, pooled, semantic_distance


def test_pooling_averages_the_real_positions_only() -> None:
    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]], [[5.0, 6.0], [7.0, 8.0], [9.0, 10.0]]])
    mask = torch.tensor([[1, 1, 0], [1, 1, 1]])
    assert torch.allclose(pooled(hidden, mask), torch.tensor([[2.0, 3.0], [7.0, 8.0]]))
    assert torch.allclose(pooled(hidden, None)[1], torch.tensor([7.0, 8.0]))


def test_semantic_is_zero_for_the_teacher_itself_and_scales_one_minus_cosine() -> None:
    teacher = torch.randn(3, 8)
    identity = nn.Linear(8, 8, bias=False)
    nn.init.eye_(identity.weight)
    assert semantic_distance(teacher, teacher, None, 5.0).abs().max() < 1e-6
    assert semantic_distance(teacher.clone(), teacher, identity, 5.0).abs().max() < 1e-6
    student = torch.tensor([[1.0, 0.0], [1.0, 1.0], [-2.0, 0.0]])
    target = torch.tensor([[0.0, 3.0], [1.0, 0.0], [1.0, 0.0]])
    expected = 5.0 * torch.tensor([1.0, 1.0 - 1.0 / math.sqrt(2.0), 2.0])  # orthogonal, 45 degrees, opposed
    assert torch.allclose(semantic_distance(student, target, None, 5.0), expected, atol=1e-6)


def test_info_nce_on_a_hand_made_batch() -> None:
    teacher = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    student = torch.tensor([[2.0, 0.0], [1.0, 1.0]])  # cosines: row 0 -> (1, 0); row 1 -> (1/sqrt2, 1/sqrt2)
    values = info_nce(student, teacher, None, 1.0)
    expected = torch.tensor([math.log(1.0 + math.exp(-1.0)), math.log(2.0)])
    assert torch.allclose(values, expected, atol=1e-6)
    sharp = info_nce(teacher, teacher, None, 0.1)  # cosines / 0.1: 10 on the diagonal, 0 off it
    assert torch.allclose(sharp, torch.full((2,), math.log(1.0 + math.exp(-10.0))), atol=1e-7)


def test_info_nce_of_a_batch_of_one_is_zero_and_it_projects_the_student() -> None:
    assert info_nce(torch.randn(1, 4), torch.randn(1, 6), nn.Linear(4, 6), 0.1).item() == pytest.approx(0.0)
    projection = nn.Linear(4, 6)
    values = info_nce(torch.randn(5, 4), torch.randn(5, 6), projection, 0.1)
    values.sum().backward()
    assert values.shape == (5,) and bool((values > 0).all())
    assert projection.weight.grad is not None and projection.weight.grad.abs().sum() > 0
