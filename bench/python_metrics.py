"""Speed of the Python quality metrics (radon's) that collection computes for each unit.

Usage: python -m bench.python_metrics [--limit-mb 3] [--repeat 3]

Copies the standard library's Python files (up to --limit-mb, as
bench/collect.py does), extracts their units with tree-sitter, then times,
in the same run, `RadonQualityAnalyzer().measure` on every file twice: with
the definitions measured by radon's own ComplexityVisitor and
HalsteadVisitor (the reference kept below), and as shipped. Prints both
MB/s and their ratio (target >= 2x), and fails unless every unit's metrics
are equal. The best of --repeat runs of each is kept; the reference runs with the
cyclic garbage collector left on during parsing, as before, and the new
walk is also timed that way to show what each change gives.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import gc
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from radon.metrics import halstead_visitor_report
from radon.visitors import Class, ComplexityVisitor, Function, HalsteadVisitor

from bench.collect import copy_corpus
from codemill.domain.code import CodeUnit, Language, SourceFile
from codemill.domain.corpus import QualityMetrics
from codemill.infrastructure.analysis import radon_quality
from codemill.infrastructure.analysis.python_definitions import Complexity, Definition, PythonDefinitions
from codemill.infrastructure.parsing.tree_sitter_code_parser import TreeSitterCodeParser

Corpus = list[tuple[SourceFile, tuple[CodeUnit, ...]]]


class ReferenceDefinitions(PythonDefinitions):
    """The definitions measured by radon's visitors: each outermost one walked once by each."""

    def __init__(self, tree: ast.Module) -> None:
        super().__init__(tree)
        outermost = [node for node in ast.iter_child_nodes(tree) if isinstance(node, Definition)]
        outermost += _nested_in_blocks(tree)
        visitor, halstead = ComplexityVisitor(), _RecordingHalstead(_Reports())
        for node in outermost:
            visitor.visit(node)
            halstead.visit(node)
        self._blocks: dict[tuple[int, str], Function | Class] = {}
        blocks = [*visitor.functions, *visitor.classes]
        while blocks:
            block = blocks.pop()
            self._blocks.setdefault((block.lineno, block.name), block)
            blocks.extend(
                [*block.methods, *block.inner_classes] if isinstance(block, Class) else block.closures
            )
        self._halstead = halstead.reports

    def complexity(self, node: Definition) -> Complexity:
        block = self._blocks.get((node.lineno, node.name))
        if block is None:
            alone = ComplexityVisitor.from_ast(node)
            block = [*alone.functions, *alone.classes][0]
        total = block.real_complexity if isinstance(block, Class) else block.complexity
        return Complexity(cyclomatic=int(block.complexity), total=int(total))

    def halstead_volume(self, node: Definition, *, with_decorators: bool) -> float:
        if node not in self._halstead.bodies:
            _RecordingHalstead(self._halstead).visit(node)
        visitor = self._halstead.bodies[node]
        decorators = self._halstead.decorators.get(node) if with_decorators else None
        if decorators is not None:
            visitor = _absorb(_absorb(HalsteadVisitor(), visitor), decorators)
        return float(halstead_visitor_report(visitor).volume)


def _nested_in_blocks(tree: ast.Module) -> list[Definition]:
    """Outermost definitions under top-level if/try/with/loop/match blocks."""
    found: list[Definition] = []
    pending = [node for node in ast.iter_child_nodes(tree) if not isinstance(node, Definition)]
    while pending:
        node = pending.pop(0)
        for child in ast.iter_child_nodes(node):
            (found if isinstance(child, Definition) else pending).append(child)  # type: ignore[arg-type]
    return found


class _RecordingHalstead(HalsteadVisitor):  # type: ignore[misc]  # radon is untyped
    """radon's HalsteadVisitor, keeping the visitor it fills for each function and class."""

    def __init__(self, reports: _Reports) -> None:
        super().__init__()
        self.reports = reports

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        super().visit_FunctionDef(node)
        self.reports.bodies[node] = self.function_visitors[-1]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        body = _RecordingHalstead(self.reports)
        for child in (*node.bases, *node.keywords, *getattr(node, "type_params", ()), *node.body):
            body.visit(child)
        decorators = HalsteadVisitor()
        for decorator in node.decorator_list:
            decorators.visit(decorator)
        self.reports.bodies[node] = body
        self.reports.decorators[node] = decorators
        _absorb(self, body)
        _absorb(self, decorators)


@dataclass(slots=True)
class _Reports:
    bodies: dict[ast.AST, HalsteadVisitor] = field(default_factory=dict)
    decorators: dict[ast.AST, HalsteadVisitor] = field(default_factory=dict)


def _absorb(into: HalsteadVisitor, visitor: HalsteadVisitor) -> HalsteadVisitor:
    into.operators += visitor.operators
    into.operands += visitor.operands
    into.operators_seen |= visitor.operators_seen
    into.operands_seen |= visitor.operands_seen
    return into


def measure_all(corpus: Corpus) -> tuple[float, list[list[QualityMetrics]]]:
    analyzer = radon_quality.RadonQualityAnalyzer()
    gc.collect()
    started = time.perf_counter()
    metrics = [analyzer.measure(file, units) for file, units in corpus]
    return time.perf_counter() - started, metrics


def load_corpus(folder: Path) -> Corpus:
    parser = TreeSitterCodeParser()
    files = [
        SourceFile(path=str(path.relative_to(folder)), language=Language.PYTHON, text=text)
        for path in sorted(folder.rglob("*.py"))
        if (text := path.read_text(errors="replace"))
    ]
    return [(file, parser.extract(file).units) for file in files]


def main() -> None:
    options = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    options.add_argument("--limit-mb", type=float, default=3.0)
    options.add_argument("--repeat", type=int, default=3)
    arguments = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="codemill-bench-") as tmp:
        megabytes = copy_corpus(Path(tmp), int(arguments.limit_mb * 1e6), []) / 1e6
        corpus = load_corpus(Path(tmp))
    units = sum(len(found) for _, found in corpus)
    print(f"corpus: {megabytes:.2f} MB, {len(corpus)} files, {units} units")
    reference_runs, gc_on_runs, new_runs = [], [], []
    for _ in range(arguments.repeat):
        with mock.patch.object(radon_quality, "gc_paused", contextlib.nullcontext):
            with mock.patch.object(radon_quality, "PythonDefinitions", ReferenceDefinitions):
                reference_runs.append(measure_all(corpus))
            gc_on_runs.append(measure_all(corpus))
        new_runs.append(measure_all(corpus))
    reference, gc_on, new = (
        min(seconds for seconds, _ in runs) for runs in (reference_runs, gc_on_runs, new_runs)
    )
    print(f"radon visitors (reference)   {megabytes / reference:8.2f} MB/s  {reference:.2f} s")
    print(f"  new walk, collector left on {megabytes / gc_on:8.2f} MB/s  {gc_on:.2f} s")
    print(f"RadonQualityAnalyzer.measure {megabytes / new:8.2f} MB/s  {new:.2f} s")
    print(f"ratio {reference / new:.2f}x (target >= 2x)")
    pairs = zip(corpus, new_runs[0][1], reference_runs[0][1], strict=True)
    differing = [
        f"{file.path}:{unit.start_line} {unit.name}: {got} != {wanted}"
        for (file, found), got_file, wanted_file in pairs
        for unit, got, wanted in zip(found, got_file, wanted_file, strict=True)
        if got != wanted
    ]
    print(f"units with different metrics: {len(differing)} of {units}", *differing[:20], sep="\n")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
