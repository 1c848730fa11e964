from __future__ import annotations

import hashlib
import io
import random

import numpy as np
import pytest

from codemill.domain.code import CodeUnit, Language, UnitKind
from codemill.domain.errors import IntegrityError
from codemill.domain.ports.deduplicator import DedupVerdict
from codemill.domain.shingles import code_tokens
from codemill.infrastructure.dedup import MinHashDeduplicator

INVOICE = '''def summarize_invoices(invoices, currency="EUR", rounding=2):
    """Total, average and largest invoice per customer."""
    totals = {}
    counts = {}
    largest = {}
    for invoice in invoices:
        customer = invoice["customer"]
        amount = invoice["amount"]
        if invoice.get("currency", currency) != currency:
            rate = invoice.get("rate", 1.0)
            amount = amount * rate
        if amount < 0:
            raise ValueError(f"negative amount for {customer}")
        totals[customer] = totals.get(customer, 0.0) + amount
        counts[customer] = counts.get(customer, 0) + 1
        if amount > largest.get(customer, 0.0):
            largest[customer] = amount
    report = []
    for customer in sorted(totals):
        total = round(totals[customer], rounding)
        average = round(total / counts[customer], rounding)
        report.append(
            {
                "customer": customer,
                "total": total,
                "average": average,
                "largest": round(largest[customer], rounding),
                "count": counts[customer],
            }
        )
    grand_total = sum(item["total"] for item in report)
    if grand_total == 0:
        return report, 0.0
    shares = {}
    for item in report:
        shares[item["customer"]] = item["total"] / grand_total
    for item in report:
        item["share"] = round(shares[item["customer"]], 4)
    report.sort(key=lambda item: item["total"], reverse=True)
    return report, round(grand_total, rounding)
'''

UNRELATED = [
    "def add(a, b):\n    return a + b\n",
    "def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
    "def read_lines(path):\n    with open(path, encoding='utf-8') as handle:\n"
    "        return [line.rstrip('\\n') for line in handle if line.strip()]\n",
    "def is_palindrome(text):\n    cleaned = ''.join(c.lower() for c in text if c.isalnum())\n"
    "    return cleaned == cleaned[::-1]\n",
]


def make_unit(code: str, *, path: str = "pkg/module.py", language: Language = Language.PYTHON) -> CodeUnit:
    normalized = " ".join(code_tokens(code, language))
    return CodeUnit(
        id=hashlib.sha256(normalized.encode()).hexdigest(),
        source="tests",
        commit="",
        path=path,
        language=language,
        kind=UnitKind.FUNCTION,
        name="f",
        qualified_name="f",
        signature="",
        docstring=None,
        code=code,
        code_without_docstring=code,
        start_line=1,
        end_line=code.count("\n") + 1,
        start_byte=0,
        end_byte=len(code.encode()),
        has_error=False,
    )


def near_copy(code: str) -> str:
    """Reformatted (spacing, blank lines, comments) with one local variable renamed."""
    lines = []
    for line in code.replace("grand_total", "overall").splitlines():
        lines.append(line.replace(" = ", " =  ") + ("  # reviewed" if "for " in line else ""))
        if line.startswith("    return"):
            lines.append("")
    return "\n".join(lines) + "\n"


def test_exact_duplicates_share_the_first_units_cluster() -> None:
    dedup = MinHashDeduplicator()
    first = make_unit(INVOICE)
    again = make_unit(INVOICE, path="other/copy.py")
    assert dedup.check(first).kept
    verdict = dedup.check(again)
    assert verdict == DedupVerdict(cluster_id=first.id, duplicate_of=first.id, reason="exact_duplicate")


def test_reformatted_and_renamed_copy_is_a_near_duplicate() -> None:
    dedup = MinHashDeduplicator()
    original, copy = make_unit(INVOICE), make_unit(near_copy(INVOICE))
    assert original.id != copy.id
    assert dedup.check(original).cluster_id == original.id
    verdict = dedup.check(copy)
    assert verdict == DedupVerdict(cluster_id=original.id, duplicate_of=original.id, reason="near_duplicate")
    assert dedup.check(copy) == verdict  # a repeat of a near duplicate gets the same verdict


def test_unrelated_functions_are_kept_in_their_own_clusters() -> None:
    dedup = MinHashDeduplicator()
    units = [make_unit(code) for code in [INVOICE, *UNRELATED]]
    verdicts = [dedup.check(unit) for unit in units]
    assert all(v.kept and v.reason is None for v in verdicts)
    assert [v.cluster_id for v in verdicts] == [u.id for u in units]
    assert dedup.kept_count == len(units)


def test_exported_index_dedups_a_later_batch_against_the_earlier_one() -> None:
    earlier = MinHashDeduplicator()
    first = [make_unit(code) for code in [INVOICE, *UNRELATED[:2]]]
    for unit in first:
        earlier.check(unit)
    later = MinHashDeduplicator()
    later.load_index(earlier.export_index())
    later.load_index(earlier.export_index())  # loading twice adds nothing
    assert later.kept_count == len(first)
    exact, near, new = make_unit(UNRELATED[0]), make_unit(near_copy(INVOICE)), make_unit(UNRELATED[3])
    assert later.check(exact).duplicate_of == first[1].id
    assert later.check(near).duplicate_of == first[0].id
    assert later.check(new).kept
    with np.load(io.BytesIO(later.export_index()), allow_pickle=False) as npz:
        assert npz["hashvalues"].shape == (4, 256)
        assert npz["ids"].tolist() == [u.id for u in first] + [new.id]


@pytest.mark.parametrize(
    "other",
    [
        {"num_perm": 128, "bands": 16, "rows": 8},
        {"seed": 7},
        {"shingle_size": 3},
    ],
)
def test_an_index_with_incomparable_signatures_is_refused(other: dict[str, int]) -> None:
    source = MinHashDeduplicator(**other)
    source.check(make_unit(INVOICE))
    with pytest.raises(IntegrityError, match="was built with"):
        MinHashDeduplicator().load_index(source.export_index())


def test_query_time_settings_may_differ_from_the_loaded_index() -> None:
    source = MinHashDeduplicator(threshold=0.9, bands=32, rows=8)
    source.check(make_unit(INVOICE))
    target = MinHashDeduplicator()
    target.load_index(source.export_index())
    assert target.check(make_unit(near_copy(INVOICE))).reason == "near_duplicate"


def test_garbage_index_is_refused() -> None:
    with pytest.raises(IntegrityError, match="not a readable MinHash index"):
        MinHashDeduplicator().load_index(b"not an npz file")


def test_inconsistent_parameters_are_rejected() -> None:
    with pytest.raises(ValueError, match="bands x rows"):
        MinHashDeduplicator(num_perm=64, bands=25, rows=10)


def test_throughput_smoke_on_two_thousand_units() -> None:
    rng = random.Random(0)
    words = ["alpha", "beta", "gamma", "delta", "omega", "count", "total", "items", "value", "key"]
    units = []
    for index in range(2000):
        body = "\n".join(
            f"    {rng.choice(words)}_{rng.randrange(50)} = {rng.choice(words)}[{rng.randrange(9)}]"
            f" {rng.choice('+-*/')} {rng.randrange(1000)}"
            for _ in range(12)
        )
        units.append(make_unit(f"def generated_{index}(alpha, beta):\n{body}\n    return alpha\n"))
    units += units[:100]
    dedup = MinHashDeduplicator()
    verdicts = [dedup.check(unit) for unit in units]
    kept = {u.id for u, v in zip(units, verdicts, strict=True) if v.kept}
    assert sum(v.reason == "exact_duplicate" for v in verdicts) >= 100
    assert all(v.duplicate_of in kept for v in verdicts if not v.kept)
    assert dedup.kept_count == len(kept)


def test_a_fingerprint_from_another_deduplicator_gives_the_same_verdicts() -> None:
    original = make_unit(INVOICE)
    copy = make_unit(near_copy(INVOICE), path="pkg/other.py")
    worker_side = MinHashDeduplicator()
    main_side = MinHashDeduplicator()
    assert main_side.check(original, worker_side.fingerprint(original)).kept
    verdict = main_side.check(copy, worker_side.fingerprint(copy))
    assert verdict.reason == "near_duplicate"
    assert verdict.duplicate_of == original.id
    with pytest.raises(IntegrityError):
        main_side.check(make_unit("def g():\n    return 1\n"), b"\x00\x01")


def test_fingerprints_of_many_units_equal_datasketchs_minhash_of_each() -> None:
    """The batched signatures are datasketch's own: one MinHash per unit, updated with its shingle hashes."""
    import zlib

    from datasketch import MinHash

    from codemill.domain.shingles import shingles

    rng = random.Random(3)
    codes = [INVOICE, near_copy(INVOICE), "", "# only a comment\n", "x"]
    codes += ["".join(rng.choice("ab(){}=+ \n") for _ in range(rng.randrange(1, 4000))) for _ in range(40)]
    languages = [Language.PYTHON, Language.JAVA]
    units = [make_unit(code, language=languages[i % 2]) for i, code in enumerate(codes)]
    dedup = MinHashDeduplicator()
    batched = dedup.fingerprints(units)
    assert batched == [dedup.fingerprint(unit) for unit in units]
    for unit, fingerprint in zip(units, batched, strict=True):
        reference = MinHash(num_perm=256, seed=1, hashfunc=int, scheme="affine32")
        grams = shingles(code_tokens(unit.code, unit.language), 5)
        reference.update_batch([zlib.crc32(gram.encode()) for gram in grams])
        assert fingerprint == np.asarray(reference.hashvalues, dtype="<u4").tobytes()
