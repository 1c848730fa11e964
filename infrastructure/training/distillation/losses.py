"""Loss components of distillation, each a value per position: reduce them with `masked_mean`.

A position is what one label scores: a sample (single-label classification),
a (sample, label) pair (multi-label: each label a two-way distribution), a
target token (seq2seq, teacher forcing). Everything is computed in float32.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from codemill.infrastructure.training.encoding import IGNORED_LABEL
from codemill.infrastructure.training.model_needs import TaskKind


def as_distributions(logits: torch.Tensor, kind: TaskKind) -> torch.Tensor:
    """Logits with classes last: (B, C), (B, L, 2) for multi-label (logit x -> [0, x]), (B, T, V)."""
    logits = logits.float()
    if kind == "multi_label":
        return torch.stack([torch.zeros_like(logits), logits], dim=-1)
    return logits


def hard_targets(labels: torch.Tensor, kind: TaskKind) -> tuple[torch.Tensor, torch.Tensor]:
    """Class ids per position and the mask of real positions (seq2seq padding is -100)."""
    if kind == "multi_label":
        return (labels > 0.5).long(), torch.ones_like(labels, dtype=torch.bool)
    mask = labels != IGNORED_LABEL
    return labels.clamp(min=0).long(), mask


def cross_entropy(student: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return -F.log_softmax(student, dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)


def focal(student: torch.Tensor, targets: torch.Tensor, gamma: float) -> torch.Tensor:
    """-(1 - p_t)^gamma * log p_t: easy positions count less."""
    log_p = F.log_softmax(student, dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return -((1.0 - log_p.exp()).clamp(min=0.0) ** gamma) * log_p


def kl_divergence(student: torch.Tensor, teacher: torch.Tensor, temperature: float) -> torch.Tensor:
    """T^2 * KL(teacher_T || student_T); teacher classes below -1e8 (not cached) weigh 0."""
    p = F.softmax(teacher / temperature, dim=-1)
    log_p = F.log_softmax(teacher / temperature, dim=-1)
    log_q = F.log_softmax(student / temperature, dim=-1)
    return _plogp_ratio(p, log_p, log_q) * temperature**2


def js_divergence(student: torch.Tensor, teacher: torch.Tensor, temperature: float) -> torch.Tensor:
    """T^2 * (KL(p || m) + KL(q || m)) / 2 with m the mean of teacher p and student q."""
    log_p = F.log_softmax(teacher / temperature, dim=-1)
    log_q = F.log_softmax(student / temperature, dim=-1)
    p, q = log_p.exp(), log_q.exp()
    log_m = (0.5 * (p + q)).clamp(min=torch.finfo(p.dtype).tiny).log()
    return 0.5 * (_plogp_ratio(p, log_p, log_m) + _plogp_ratio(q, log_q, log_m)) * temperature**2


def hidden_distance(
    student: torch.Tensor, teacher: torch.Tensor, mode: str, projection: nn.Module | None
) -> torch.Tensor:
    """Per vector (last dimension): mean squared error, or 1 - cosine similarity."""
    projected = projection(student.float()) if projection is not None else student.float()
    target = teacher.float()
    if mode == "cosine":
        return 1.0 - F.cosine_similarity(projected, target, dim=-1)
    return ((projected - target) ** 2).mean(dim=-1)


def token_mean(values: torch.Tensor, attention_mask: torch.Tensor | None) -> torch.Tensor:
    """(B, S) per-token values -> (B,) means over the real tokens."""
    if attention_mask is None:
        return values.mean(dim=-1)
    weights = attention_mask.float()
    return (values * weights).sum(dim=-1) / weights.sum(dim=-1).clamp(min=1.0)


def masked_mean(values: torch.Tensor, mask: torch.Tensor, items: torch.Tensor | float) -> torch.Tensor:
    """The sum over real positions divided by `items`: the batch's count of real positions, or the
    whole accumulated batch's (`num_items_in_batch`), so that micro-batches add up to the full mean."""
    return torch.where(mask, values, torch.zeros_like(values)).sum() / items


def _plogp_ratio(p: torch.Tensor, log_p: torch.Tensor, log_other: torch.Tensor) -> torch.Tensor:
    terms = torch.where(p > 0, p * (log_p - log_other), torch.zeros_like(p))
    return terms.sum(dim=-1)
