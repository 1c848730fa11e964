from __future__ import annotations

import io

from codemill.infrastructure.plots import histogram_png

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    header = io.BytesIO(data[16:24]).read()
    return int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")


def test_histogram_is_a_small_png() -> None:
    data = histogram_png([5, 10, 10, 40, 200, 700], title="code tokens", xlabel="tokens", limit=512)
    assert data.startswith(PNG_MAGIC)
    assert len(data) > 1000
    assert png_size(data) == (600, 350)


def test_histogram_without_values_or_limit_still_renders() -> None:
    assert histogram_png([], title="empty", xlabel="tokens").startswith(PNG_MAGIC)
    assert histogram_png([7] * 20, title="one value", xlabel="tokens").startswith(PNG_MAGIC)
