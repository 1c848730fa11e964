"""Every supported language other than Python, on a hand-written source file.

The expected units below were checked by hand against the corpus files:
(kind, qualified name, first line, last line, doc comment).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codemill.domain.code import Language, SourceFile
from codemill.infrastructure.parsing import TreeSitterCodeParser

CORPUS = Path(__file__).parent / "corpus"

Expected = list[tuple[str, str, int, int, str | None]]

JAVASCRIPT: Expected = [
    ("function", "total", 8, 10, "Sum the prices of all items.\n@param {Array<{price: number}>} items"),
    ("function", "applyDiscount", 13, 13, None),
    ("function", "describe", 16, 18, "Formats a line."),
    ("class", "Cart", 20, 50, None),
    ("method", "Cart.constructor", 24, 26, "Create a cart for an owner."),
    ("method", "Cart.empty", 28, 30, None),
    ("method", "Cart.size", 32, 34, None),
    ("method", "Cart.add", 39, 45, "Add an item; returns the cart."),
    ("function", "Cart.add.validate", 40, 42, None),
    ("method", "Cart.onChange", 47, 49, None),
    ("function", "helper", 52, 54, None),
    ("function", "ids", 57, 60, "Yields ids forever."),
    ("function", "first", 62, 62, None),
    ("function", "second", 62, 62, None),
    ("class", "Handler", 65, 72, "A handler that logs."),
    ("method", "Handler.handle", 68, 71, "Handle one event."),
]

TYPESCRIPT: Expected = [
    ("class", "Entity", 4, 7, "A stored entity with an identifier."),
    ("class", "MemoryRepository", 15, 34, "Keeps entities in memory."),
    ("method", "MemoryRepository.constructor", 18, 18, None),
    ("method", "MemoryRepository.save", 22, 24, "Store or replace an entity."),
    ("method", "MemoryRepository.find", 26, 29, None),
    ("function", "MemoryRepository.find.matches", 27, 27, None),
    ("method", "MemoryRepository.[Symbol.iterator]", 31, 33, None),
    ("class", "Shape", 36, 42, None),
    ("method", "Shape.describe", 39, 41, None),
    ("function", "overloaded", 46, 48, None),
    ("function", "origin", 51, 53, None),
    ("function", "identity", 56, 56, None),
]

TSX: Expected = [
    ("class", "TodoListProps", 4, 7, "Props accepted by the list."),
    ("function", "TodoList", 12, 26, "Shows a list of todos with a filter."),
    ("function", "TodoList.renderItem", 16, 18, None),
    ("function", "Badge", 28, 28, None),
    ("class", "Counter", 30, 39, None),
    ("method", "Counter.increment", 34, 34, "Increment the counter."),
    ("method", "Counter.render", 36, 38, None),
]

JAVA: Expected = [
    ("class", "Inventory", 12, 78, "An inventory of items of one type.\n\n@param <T> the item type"),
    ("method", "Inventory.Inventory", 16, 17, "Creates an empty inventory."),
    ("method", "Inventory.add", 23, 27, "Adds an item.\n@param item the item to add"),
    ("method", "Inventory.map", 30, 36, None),
    ("method", "Inventory.count", 38, 46, None),
    ("method", "Inventory.count.run", 40, 42, None),
    ("class", "Inventory.Slot", 49, 55, "Where an item is kept."),
    ("method", "Inventory.Slot.Slot", 52, 54, None),
    ("class", "Inventory.Visitor", 57, 62, None),
    ("method", "Inventory.Visitor.done", 60, 61, None),
    ("class", "Inventory.State", 64, 70, None),
    ("method", "Inventory.State.isOpen", 67, 69, None),
    ("class", "Inventory.Entry", 73, 77, "A point in stock."),
    ("method", "Inventory.Entry.Entry", 74, 76, None),
]

GO: Expected = [
    ("class", "Queue", 14, 17, "Queue is a thread-safe FIFO queue.\nThe zero value is ready to use."),
    ("class", "Sizer", 20, 22, "Sizer reports a size."),
    ("class", "Pair", 26, 26, "Pair groups two values."),
    ("method", "Queue.Push", 31, 35, "Push appends an item."),
    ("method", "Queue.Pop", 38, 48, "Pop removes the first item."),
    ("method", "Queue.Len", 52, 52, None),
    ("function", "Map", 55, 64, "Map applies fn to every item."),
    ("function", "init", 66, 66, None),
]

RUST: Expected = [
    ("class", "Balance", 8, 10, "An account balance in cents."),
    ("class", "Entry", 13, 16, "The kinds of entries."),
    ("class", "Apply", 19, 26, "Something that can be applied to a balance."),
    ("method", "Apply.describe", 23, 25, None),
    ("method", "Entry.apply", 29, 34, None),
    ("method", "Balance.fmt", 38, 40, None),
    ("class", "Ledger", 44, 46, "A ledger keyed by account name."),
    ("method", "Ledger.new", 51, 53, "Creates an empty ledger.\nIt has no accounts."),
    ("method", "Ledger.total", 56, 61, None),
    ("function", "Ledger.total.cents", 57, 59, None),
    ("function", "round_trip", 66, 71, "Block doc comment."),
    ("function", "it_works", 75, 77, None),
]

C: Expected = [
    ("function", "buffer_new", 17, 20, "Allocate an empty buffer.\nReturns NULL when out of memory."),
    ("function", "buffer_append", 25, 36, "Append bytes, growing as needed."),
    ("function", "buffer_len", 38, 38, None),
    ("function", "buffer_each", 46, 50, None),
    ("function", "pick", 52, 55, None),
    ("function", "die", 58, 61, "Report and stop."),
]

CPP: Expected = [
    ("class", "Matrix", 8, 30, "A dense row-major matrix."),
    ("method", "Matrix.Matrix", 11, 12, "Creates a rows x cols matrix of zeros."),
    ("method", "Matrix.~Matrix", 14, 14, None),
    ("method", "Matrix.at", 16, 16, None),
    ("class", "Matrix.Shape", 22, 25, None),
    ("method", "Matrix.Shape.square", 24, 24, None),
    ("method", "Matrix.rows", 34, 36, "Number of rows."),
    ("method", "Matrix.operator*", 40, 50, "Multiplies two matrices."),
    ("class", "Point", 54, 57, None),
    ("function", "identity", 60, 60, "Identity helper."),
    ("function", "main", 62, 65, None),
]

CSHARP: Expected = [
    ("class", "Line", 9, 9, "<summary>\nAn order line.\n</summary>"),
    ("class", "ITotal", 12, 15, "<summary>Something with a total.</summary>"),
    ("class", "Order", 17, 58, None),
    ("method", "Order.Order", 23, 26, "<summary>Creates an order.</summary>"),
    ("method", "Order.Total", 31, 40, None),
    ("function", "Order.Total.Sum", 33, 38, None),
    ("method", "Order.Add", 43, 44, "<summary>Adds a line.</summary>"),
    ("class", "Order.Cursor", 52, 57, None),
    ("method", "Order.Cursor.Advance", 56, 56, None),
]

RUBY: Expected = [
    ("class", "Library", 6, 49, "Helpers shared by library models."),
    ("class", "Library.Book", 9, 40, "A book on a shelf.\nBooks are compared by ISBN."),
    ("method", "Library.Book.initialize", 15, 18, "Build a book."),
    ("method", "Library.Book.<=>", 20, 22, None),
    ("method", "Library.Book.find", 25, 27, "Look a book up by ISBN."),
    ("method", "Library.Book.all", 30, 32, None),
    ("method", "Library.Book.checked_out?", 37, 39, None),
    ("class", "Library.Shelf", 42, 46, None),
    ("method", "Library.Shelf.each", 43, 45, None),
    ("method", "Library.version", 48, 48, None),
    ("function", "top_level_helper", 53, 55, None),
    ("function", "after_block_comment", 60, 62, None),
]

PHP: Expected = [
    ("class", "Priceable", 12, 15, "Something that can be priced."),
    ("class", "Timestamps", 18, 24, "Adds a timestamp."),
    ("method", "Timestamps.touch", 20, 23, None),
    ("class", "Invoice", 26, 53, None),
    ("method", "Invoice.__construct", 34, 36, "@param list<int> $amounts"),
    ("method", "Invoice.price", 39, 45, None),
    ("method", "Invoice.fromCsv", 48, 52, "Creates an invoice from a CSV line."),
    ("class", "Currency", 55, 65, None),
    ("method", "Currency.symbol", 59, 64, None),
    ("function", "format_amount", 67, 71, None),
]

KOTLIN: Expected = [
    ("class", "Shape", 8, 29, "A geometric shape."),
    ("class", "Shape.Circle", 12, 14, None),
    ("method", "Shape.Circle.area", 13, 13, None),
    ("class", "Shape.Rect", 16, 22, None),
    ("method", "Shape.Rect.area", 18, 21, None),
    ("function", "Shape.Rect.area.product", 19, 19, None),
    ("class", "Shape.Companion", 24, 28, None),
    ("method", "Shape.Companion.unit", 26, 27, "Builds a unit square."),
    ("class", "Named", 31, 37, None),
    ("method", "Named.greet", 34, 36, None),
    ("class", "Registry", 39, 46, None),
    ("method", "Registry.register", 42, 45, None),
    ("function", "shout", 49, 49, "Shouts the string."),
    ("class", "Color", 51, 56, None),
    ("method", "Color.hex", 55, 55, None),
]

CASES = {
    Language.JAVASCRIPT: ("javascript/cart.js", JAVASCRIPT),
    Language.TYPESCRIPT: ("typescript/repository.ts", TYPESCRIPT),
    Language.TSX: ("tsx/TodoList.tsx", TSX),
    Language.JAVA: ("java/Inventory.java", JAVA),
    Language.GO: ("go/queue.go", GO),
    Language.RUST: ("rust/ledger.rs", RUST),
    Language.C: ("c/buffer.c", C),
    Language.CPP: ("cpp/matrix.cpp", CPP),
    Language.CSHARP: ("csharp/Orders.cs", CSHARP),
    Language.RUBY: ("ruby/library.rb", RUBY),
    Language.PHP: ("php/Invoice.php", PHP),
    Language.KOTLIN: ("kotlin/Shapes.kt", KOTLIN),
}


@pytest.fixture(scope="module")
def parser() -> TreeSitterCodeParser:
    return TreeSitterCodeParser()


def _extract(parser: TreeSitterCodeParser, language: Language):
    path, _ = CASES[language]
    text = (CORPUS / path).read_text(encoding="utf-8")
    return parser.extract(
        SourceFile(path=path, language=language, text=text, source="corpus", commit="c0ffee")
    )


def test_every_language_but_python_has_a_case() -> None:
    assert set(CASES) == set(Language) - {Language.PYTHON}


@pytest.mark.parametrize("language", list(CASES), ids=str)
def test_units_and_doc_comments_match_the_hand_checked_list(parser, language: Language) -> None:
    outcome = _extract(parser, language)
    found = [
        (unit.kind.value, unit.qualified_name, unit.start_line, unit.end_line, unit.docstring)
        for unit in outcome.units
    ]
    assert outcome.error_kind is None
    assert sorted(found, key=repr) == sorted(CASES[language][1], key=repr)


@pytest.mark.parametrize("language", list(CASES), ids=str)
def test_units_carry_their_exact_text_and_provenance(parser, language: Language) -> None:
    path, _ = CASES[language]
    data = (CORPUS / path).read_bytes()
    for unit in _extract(parser, language).units:
        assert unit.code == data[unit.start_byte : unit.end_byte].decode("utf-8")
        assert unit.code_without_docstring == unit.code
        assert unit.qualified_name == unit.name or unit.qualified_name.endswith("." + unit.name)
        assert (unit.source, unit.commit, unit.path, unit.language) == ("corpus", "c0ffee", path, language)
        assert not unit.has_error
        assert unit.signature and "\n" not in unit.signature
        assert unit.start_line == data[: unit.start_byte].count(b"\n") + 1


@pytest.mark.parametrize(
    ("language", "qualified_name", "signature"),
    [
        (Language.GO, "Queue.Push", "func (q *Queue[T]) Push(item T)"),
        (Language.GO, "Sizer", "type Sizer interface"),
        (Language.RUST, "round_trip", "pub(crate) fn round_trip<T>(value: T) -> T where T: Clone,"),
        (Language.CPP, "Matrix.rows", "std::size_t Matrix<T>::rows() const"),
        (Language.JAVASCRIPT, "applyDiscount", "const applyDiscount = (amount, rate = 0.1) =>"),
        (Language.KOTLIN, "Shape.Companion.unit", "@JvmStatic fun unit(): Shape"),
        (Language.RUBY, "Library.Book.initialize", "def initialize(isbn, title)"),
        (Language.C, "pick", "static int (*pick(int which))(int, int)"),
    ],
)
def test_signature_is_the_header_up_to_the_body(parser, language, qualified_name, signature) -> None:
    units = {unit.qualified_name: unit for unit in _extract(parser, language).units}
    assert units[qualified_name].signature == signature
