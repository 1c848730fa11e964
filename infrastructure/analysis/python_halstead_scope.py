"""The counts gathered while walking one definition, and what a walk of a definition yields.

radon's HalsteadVisitor records each distinct operand as a pair (context,
value), the context being the name of the innermost function around it
(None outside any). A scope keeps the values of its own context apart from
the pairs of the functions nested in it, so that a definition's counts are
the same whether it is measured within its file or alone.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


@dataclass(slots=True)
class Halstead:
    """Operator and operand counts: totals, distinct operators, own-context values, nested pairs."""

    operators: int = 0
    operands: int = 0
    operators_seen: set[str] = field(default_factory=set)
    values: set[Any] = field(default_factory=set)
    scoped: set[tuple[str, Any]] = field(default_factory=set)

    def volume(self, distinct_operands: int) -> float:
        """radon's `halstead_visitor_report(...).volume` for these counts."""
        distinct = len(self.operators_seen) + distinct_operands
        length = self.operators + self.operands
        return float(length * math.log(distinct, 2) if distinct != 0 else 0)


@dataclass(frozen=True)
class FunctionMeasure:
    """A function's complexity and the Halstead counts of its body, its name being their context."""

    name: str
    complexity: int
    halstead: Halstead

    @cached_property
    def pairs(self) -> set[tuple[str, Any]]:
        """Every distinct operand as radon records it: (context, value)."""
        return {(self.name, value) for value in self.halstead.values} | self.halstead.scoped

    def volume(self) -> float:
        scoped = self.halstead.scoped
        return self.halstead.volume(len(self.pairs) if scoped else len(self.halstead.values))


@dataclass(frozen=True)
class ClassMeasure:
    """A class's complexity, its methods, and the Halstead counts of its code and of its decorators."""

    real_complexity: int
    methods: int
    body: Halstead
    decorators: Halstead

    @property
    def complexity(self) -> int:
        """radon's class complexity: the average of its methods, plus one when it has several."""
        if not self.methods:
            return self.real_complexity
        return int(self.real_complexity / float(self.methods)) + (self.methods > 1)

    def volume(self, *, with_decorators: bool) -> float:
        if not with_decorators:
            return self.body.volume(len(self.body.values) + len(self.body.scoped))
        merged = Halstead(
            self.body.operators + self.decorators.operators,
            self.body.operands + self.decorators.operands,
            self.body.operators_seen | self.decorators.operators_seen,
        )
        return merged.volume(len(self.body.values | self.decorators.values) + len(self.body.scoped))


Measure = FunctionMeasure | ClassMeasure


class Scope(Halstead):
    """What one walk of a definition's code adds up, nested definitions measured and merged in."""

    __slots__ = ("_in_class", "_measure", "complexity", "methods")

    def __init__(self, measure: Callable[[Any], Measure], *, in_class: bool) -> None:
        super().__init__()
        self.complexity = 1
        self.methods = 0
        self._measure = measure
        self._in_class = in_class

    def nested(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        """Merges a nested definition's counts, as radon merges its visitors into the enclosing one."""
        measured = self._measure(node)
        if isinstance(measured, ClassMeasure):
            for part in (measured.body, measured.decorators):
                self._add(part)
                self.values |= part.values
                self.scoped |= part.scoped
            return
        self._add(measured.halstead)
        self.scoped |= measured.pairs
        if self._in_class:
            self.methods += 1
            self.complexity += measured.complexity

    def _add(self, part: Halstead) -> None:
        self.operators += part.operators
        self.operands += part.operands
        self.operators_seen |= part.operators_seen
