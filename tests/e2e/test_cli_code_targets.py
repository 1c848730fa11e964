"""`codemill collect` then `dataset build --task generation/assertion|body` on a small project with tests."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.e2e.conftest import RunCli

MODULES = {
    "shop/dates.py": '''
        """Calendar helpers."""


        def parse_date(text):
            """Split an ISO date into numbers."""
            year, month, day = text.split("-")
            return int(year), int(month), int(day)


        def is_leap(year):
            """Tell whether February has 29 days."""
            return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        ''',
    "shop/prices.py": '''
        def with_tax(amount, rate=0.2):
            """Add the tax to a net amount."""
            if amount < 0:
                raise ValueError("a price is never negative")
            return round(amount * (1 + rate), 2)


        def format_price(amount, currency="€"):
            """Render an amount for a receipt."""
            return f"{amount:,.2f} {currency}"
        ''',
    "shop/names.py": '''
        def slugify(title):
            """Lower-case words joined by dashes."""
            words = [w for w in title.lower().split() if w.isalnum()]
            return "-".join(words)


        def initials(full_name):
            """First letters of each part of a name."""
            return "".join(part[0].upper() for part in full_name.split())
        ''',
    "shop/stock.py": '''
        class Stock:
            """Quantities on the shelf."""

            def __init__(self):
                self.items = {}

            def add(self, sku, count):
                """Put `count` more of `sku` on the shelf."""
                if count <= 0:
                    raise ValueError(f"cannot add {count} of {sku}")
                self.items[sku] = self.items.get(sku, 0) + count
                return self.items[sku]

            def take(self, sku):
                """Remove one of `sku`, failing when there is none left."""
                left = self.items.get(sku, 0)
                if not left:
                    raise KeyError(sku)
                self.items[sku] = left - 1
        ''',
}

TESTS = {
    "tests/test_dates.py": """
        import unittest

        from shop.dates import is_leap, parse_date


        class DatesTest(unittest.TestCase):
            def test_parse_date(self):
                parsed = parse_date("2024-02-29")
                self.assertEqual(parsed, (2024, 2, 29))
                self.assertIsInstance(parsed[0], int)

            def test_leap_years_follow_the_gregorian_rule(self):
                self.assertTrue(is_leap(2000))
                self.assertFalse(
                    is_leap(1900),
                    msg="centuries are leap only when divisible by 400",
                )
        """,
    "tests/test_prices.py": """
        import pytest

        from shop.prices import format_price, with_tax


        def test_with_tax():
            assert with_tax(10) == 12.0
            assert with_tax(10, rate=0.055) == 10.55


        def test_negative_amounts_are_refused():
            with pytest.raises(ValueError, match="never negative"):
                with_tax(-1)


        def test_format_price_uses_the_euro_sign():
            assert format_price(1234.5) == "1,234.50 €"
        """,
    "tests/test_names.py": """
        from shop.names import initials, slugify


        def test_slugify_drops_punctuation():
            slug = slugify("Ça va? Très bien")
            assert slug == "ça-très-bien"
            assert "--" not in slug


        def test_initials():
            assert initials("ada lovelace") == "AL"
        """,
    "tests/test_stock.py": """
        import unittest

        from shop.stock import Stock


        class StockTest(unittest.TestCase):
            def setUp(self):
                self.stock = Stock()

            def test_add(self):
                self.assertEqual(self.stock.add("apple", 3), 3)
                self.assertEqual(self.stock.add("apple", 2), 5)
                with self.assertRaises(ValueError):
                    self.stock.add("pear", 0)

            def test_taking_the_last_one_then_failing(self):
                self.stock.add("fig", 1)
                self.stock.take("fig")
                self.assertEqual(self.stock.items["fig"], 0)
                self.assertRaises(KeyError, self.stock.take, "fig")
        """,
}

# assertions per test, as written above
ASSERTIONS = {
    "test_parse_date": 2,
    "test_leap_years_follow_the_gregorian_rule": 2,
    "test_with_tax": 2,
    "test_negative_amounts_are_refused": 1,
    "test_format_price_uses_the_euro_sign": 1,
    "test_slugify_drops_punctuation": 2,
    "test_initials": 1,
    "test_add": 3,
    "test_taking_the_last_one_then_failing": 2,
}


@pytest.fixture
def project(run_cli: RunCli, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for relative, text in {**MODULES, **TESTS}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    result = run_cli("collect", str(root), "--name", "shop", "--workers", "1", "--no-security", "--json")
    assert result.exit_code == 0, result.output
    return root


def samples_of(run_cli: RunCli, name: str) -> dict[str, list[dict[str, str]]]:
    splits = {}
    for split in ("train", "validation", "test"):
        shown = run_cli("dataset", "show", name, "--split", split, "--samples", "1000", "--json")
        assert shown.exit_code == 0, shown.output
        splits[split] = json.loads(shown.stdout)["samples"]
    return splits


def build(run_cli: RunCli, task: str, name: str) -> dict[str, object]:
    result = run_cli(
        "dataset", "build", "shop", "--task", task, "--name", name, "--vocab-size", "400",
        "--split", "0.5,0.25,0.25", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout)["stats"])


def test_assertion_and_body_datasets_from_a_project_with_tests(run_cli: RunCli, project: Path) -> None:
    tests_text = "\n".join((project / relative).read_text(encoding="utf-8") for relative in TESTS)

    stats = build(run_cli, "generation/assertion", "asserts")
    assert stats["samples"] == sum(ASSERTIONS.values()) == 16
    skipped = stats["skipped"]
    assert isinstance(skipped, dict) and skipped["not_a_test"] > 0 and skipped["no_assertion"] == 1  # setUp
    splits = samples_of(run_cli, "asserts")
    assert sum(len(samples) for samples in splits.values()) == 16
    split_of_test: dict[str, set[str]] = {}
    per_test: dict[str, int] = {}
    for split, samples in splits.items():
        for sample in samples:
            unit_id, index = sample["id"].rsplit("#a", 1)
            assert index.isdigit()
            split_of_test.setdefault(unit_id, set()).add(split)
            per_test[unit_id] = per_test.get(unit_id, 0) + 1
            assert sample["target"] in tests_text
            assert sample["text"].count("<mask>") == 1
    assert all(len(held) == 1 for held in split_of_test.values()), split_of_test
    assert sorted(per_test.values()) == sorted(ASSERTIONS.values())
    focal = [s for samples in splits.values() for s in samples if "def parse_date(text):" in s["text"]]
    assert focal and all(" </s> def parse_date(text):" in s["text"] for s in focal)
    assert all("Split an ISO date" not in s["text"] for s in focal)  # the focal docstring is dropped

    stats = build(run_cli, "generation/body", "bodies")
    bodies = [s for samples in samples_of(run_cli, "bodies").values() for s in samples]
    assert stats["samples"] == len(bodies) > 10
    assert set(stats["skipped"]) <= {"not_a_function", "body_too_short"}  # type: ignore[arg-type]
    sources = "\n".join(path.read_text(encoding="utf-8") for path in project.rglob("*.py"))
    for sample in bodies:
        assert sample["text"].count("<mask>") == 1
        assert not sample["target"].startswith((" ", "\t"))
        indented = [textwrap.indent(sample["target"], " " * width) for width in (4, 8)]
        assert any(candidate in sources for candidate in indented), sample["target"]
