"""The body of POST /v1/predict read within its limits and checked, each failure one 4xx line."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

EXPECTED = 'expected a JSON object {"inputs": ["code", ...]}'


class BadRequestError(Exception):
    """A request the server refuses: its HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, kw_only=True)
class RequestLimits:
    max_inputs: int = 64
    max_body_bytes: int = 1_000_000


async def read_body(declared_length: str | None, chunks: AsyncIterator[bytes], max_bytes: int) -> bytes:
    """The whole body, refused (413) as soon as it is known to exceed `max_bytes`."""
    if declared_length is not None and declared_length.isdigit() and int(declared_length) > max_bytes:
        raise _too_large(int(declared_length), max_bytes)
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(size, max_bytes, at_least=True)
        parts.append(chunk)
    return b"".join(parts)


def parse_inputs(body: bytes, max_inputs: int) -> list[str]:
    """The `inputs` of a predict body: a non-empty list of at most `max_inputs` strings."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequestError(400, f"the body is not UTF-8 (invalid byte at offset {exc.start})") from None
    try:
        payload: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise BadRequestError(400, f"the body is not valid JSON ({exc.msg} at {where}): {EXPECTED}") from None
    except RecursionError:
        raise BadRequestError(400, f"the body nests too deeply: {EXPECTED}") from None
    if not isinstance(payload, dict) or "inputs" not in payload:
        raise BadRequestError(422, f"no 'inputs' field: {EXPECTED}")
    unknown = sorted(set(payload) - {"inputs"})
    if unknown:
        raise BadRequestError(422, f"unknown field(s) {', '.join(map(repr, unknown))}: {EXPECTED}")
    inputs = payload["inputs"]
    if not isinstance(inputs, list):
        raise BadRequestError(422, f"'inputs' is a {_json_type(inputs)}, not a list of strings")
    if not inputs:
        raise BadRequestError(422, "'inputs' is empty: send at least one code string")
    if len(inputs) > max_inputs:
        raise BadRequestError(413, f"{len(inputs)} inputs in one request; the limit is {max_inputs}")
    for index, item in enumerate(inputs):
        if not isinstance(item, str):
            raise BadRequestError(422, f"inputs[{index}] is a {_json_type(item)}, not a string")
        if not item.isascii():
            _check_unicode(item, index)
    return inputs


def _check_unicode(item: str, index: int) -> None:
    try:
        item.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape: no tokenizer takes it
        raise BadRequestError(422, f"inputs[{index}] holds an unpaired surrogate (\\uD800-\\uDFFF)") from None


def _too_large(size: int, limit: int, *, at_least: bool = False) -> BadRequestError:
    more = "at least " if at_least else ""
    return BadRequestError(413, f"the body is {more}{size} bytes; the limit is {limit}")


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
