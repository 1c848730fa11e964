"""The predict body: limits and checks, each refusal a status and one line."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from codemill.presentation.http.request_body import BadRequestError, parse_inputs, read_body


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"\xff\xfe{}", 400, "not UTF-8"),
        (b'{"inputs": [', 400, "not valid JSON"),
        (b"[" * 100_000, 400, "nests too deeply"),
        (b'["def f(): pass"]', 422, "no 'inputs' field"),
        (b'{"inputs": ["x"], "extra": 1}', 422, "unknown field(s) 'extra'"),
        (b'{"inputs": "def f(): pass"}', 422, "'inputs' is a string, not a list"),
        (b'{"inputs": []}', 422, "'inputs' is empty"),
        (b'{"inputs": ["a", 3]}', 422, "inputs[1] is a number, not a string"),
        (b'{"inputs": [null]}', 422, "inputs[0] is a null"),
        (b'{"inputs": ["\\ud800"]}', 422, "unpaired surrogate"),
        (b'{"inputs": ["a", "b", "c"]}', 413, "3 inputs in one request; the limit is 2"),
    ],
)
def test_bad_bodies_are_refused_with_a_status_and_one_line(body: bytes, status: int, words: str) -> None:
    with pytest.raises(BadRequestError) as raised:
        parse_inputs(body, max_inputs=2)
    assert raised.value.status == status
    assert words in raised.value.message and "\n" not in raised.value.message


def test_a_good_body_gives_its_inputs() -> None:
    assert parse_inputs('{"inputs": ["def f():\\n    pass", "é"]}'.encode(), max_inputs=2) == [
        "def f():\n    pass",
        "é",
    ]


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def test_the_body_size_is_checked_before_and_while_reading() -> None:
    with pytest.raises(BadRequestError, match="the body is 11 bytes; the limit is 10"):
        asyncio.run(read_body("11", _chunks(b"x"), 10))
    with pytest.raises(BadRequestError, match="the body is at least 12 bytes; the limit is 10") as raised:
        asyncio.run(read_body(None, _chunks(b"123456", b"789012"), 10))
    assert raised.value.status == 413
    assert asyncio.run(read_body("6", _chunks(b"123", b"456"), 10)) == b"123456"
