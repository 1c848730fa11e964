"""Loss components of distillation, each a value per position (reduce them with `masked_mean`) or,
for the pooled ones (`semantic_distance`, `info_nce`), a value per sample.

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


def pooled(hidden: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """(B, S, H) -> (B, H): the mean over the real positions of each sequence (`mask` (B, S), true or 1
    where real; None: every position)."""
    hidden = hidden.float()
    if mask is None:
        return hidden.mean(dim=1)
    weights = mask.to(hidden.dtype).unsqueeze(-1)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


def semantic_distance(
    student: torch.Tensor, teacher: torch.Tensor, projection: nn.Module | None, scale: float
) -> torch.Tensor:
    """Per sample: scale * (1 - cos(P s_i, t_i)) between pooled representations (B, H); P the learned
    projection to the teacher's width (None: the identity)."""
    projected = projection(student) if projection is not None else student
    return scale * (1.0 - F.cosine_similarity(projected, teacher.float(), dim=-1))


def info_nce(
    student: torch.Tensor, teacher: torch.Tensor, projection: nn.Module | None, temperature: float
) -> torch.Tensor:
    """Per sample: -log softmax_j(cos(P s_i, t_j) / temperature) at j = i, over the teachers of the batch:
    student i must pick its own teacher among the others. A batch of one has nothing to tell apart: 0."""
    projected = F.normalize(projection(student) if projection is not None else student, dim=-1)
    similarities = projected @ F.normalize(teacher.float(), dim=-1).T / temperature
    own = torch.arange(similarities.shape[0], device=similarities.device)
    return F.cross_entropy(similarities, own, reduction="none")


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
