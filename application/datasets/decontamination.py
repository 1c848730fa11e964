"""How much of validation and test also appears in train: exact copies and near duplicates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from codemill.application.datasets.text_keys import text_key
from codemill.domain.code import CodeUnit, Language, UnitKind
from codemill.domain.dataset import Sample
from codemill.domain.errors import IntegrityError
from codemill.domain.ports.deduplicator import Deduplicator

EVALUATION_SPLITS = ("validation", "test")
# Comment syntax is all the deduplicator takes from a language; most languages write `//` and `/* */`.
FALLBACK_LANGUAGE = Language.C

OverlapReport = dict[str, dict[str, int | None]]


def overlap_report(splits: Mapping[str, Sequence[Sample]], *, near: Deduplicator | None) -> OverlapReport:
    """For validation and test: how many samples are exact or near copies of a train sample.

    - exact: same whitespace-normalized text as a train sample;
    - near: not exact, but `near` (a fresh deduplicator) finds a train sample
      similar enough; None when no deduplicator is given.
    Train samples are registered first; each evaluation sample is then checked
    (and, when it matches nothing, registered too, which is how the port
    works: a sample more similar to an earlier kept evaluation sample than to
    any train sample is then not counted, so `near` is a lower bound).
    A missing split counts zeros.
    """
    train = splits.get("train", ())
    train_keys = {text_key(sample.text) for sample in train}
    train_ids = _register_train(near, train)
    report: OverlapReport = {}
    for split in EVALUATION_SPLITS:
        exact = near_count = 0
        for index, sample in enumerate(splits.get(split, ())):
            if text_key(sample.text) in train_keys:
                exact += 1
            elif (
                near is not None
                and near.check(as_code_unit(sample, f"{split}/{index}")).duplicate_of in train_ids
            ):
                near_count += 1
        report[split] = {"exact": exact, "near": near_count if near is not None else None}
    return report


def assert_no_exact_overlap(report: OverlapReport) -> None:
    """Raise IntegrityError naming the count when any validation or test sample is an exact copy of train."""
    leaked = sum(counts.get("exact") or 0 for counts in report.values())
    if leaked:
        parts = ", ".join(f"{counts.get('exact') or 0} in {split}" for split, counts in report.items())
        raise IntegrityError(f"{leaked} evaluation samples are exact copies of train samples ({parts})")


def as_code_unit(sample: Sample, unit_id: str) -> CodeUnit:
    """A minimal CodeUnit holding the sample's text for the Deduplicator port (it reads code and language)."""
    try:
        language = Language(sample.language)
    except ValueError:
        language = FALLBACK_LANGUAGE
    return CodeUnit(
        id=unit_id,
        source="",
        commit="",
        path="",
        language=language,
        kind=UnitKind.FUNCTION,
        name="",
        qualified_name="",
        signature="",
        docstring=None,
        code=sample.text,
        code_without_docstring=sample.text,
        start_line=1,
        end_line=sample.text.count("\n") + 1,
        start_byte=0,
        end_byte=len(sample.text.encode("utf-8")),
        has_error=False,
    )


def _register_train(near: Deduplicator | None, train: Sequence[Sample]) -> frozenset[str]:
    """Feed every train sample to `near`; the ids it was given (ids unique per split and position)."""
    if near is None:
        return frozenset()
    ids = [f"train/{index}" for index in range(len(train))]
    for unit_id, sample in zip(ids, train, strict=True):
        near.check(as_code_unit(sample, unit_id))
    return frozenset(ids)
