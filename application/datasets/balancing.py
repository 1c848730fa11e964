"""Down-sampling of over-represented classes (binary security: clean code far outnumbers vulnerable)."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable

from codemill.domain.dataset import Sample
from codemill.domain.errors import InputError


def downsample_majority(samples: Iterable[Sample], ratio: float, seed: int) -> tuple[list[Sample], int]:
    """The samples with every class capped at `ratio` x the smallest class, and the number dropped.

    Guarantees: which samples of a capped class stay is drawn with
    `random.Random(seed)` (same input, same result); the kept samples keep
    their input order; the smallest class is never reduced; samples without
    a single label (generation, multi-label), or fewer than 2 classes, come
    back unchanged. For binary labels this caps the majority class only.
    Raises InputError when `ratio` is below 1.
    """
    if ratio < 1:
        raise InputError(f"balance must be at least 1 (majority : minority), got {ratio}")
    items = list(samples)
    counts = Counter(s.label for s in items)
    if None in counts or len(counts) < 2:
        return items, 0
    cap = max(1, math.floor(ratio * min(counts.values())))
    rng = random.Random(seed)  # nosec B311  # seeded random for reproducible sampling, not cryptography
    dropped: set[int] = set()
    for label in sorted(label for label, count in counts.items() if count > cap and label is not None):
        members = [index for index, sample in enumerate(items) if sample.label == label]
        dropped.update(rng.sample(members, len(members) - cap))
    kept = [sample for index, sample in enumerate(items) if index not in dropped]
    return kept, len(dropped)
