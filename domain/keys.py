"""Storage keys: '/'-separated relative names that never escape a store's root."""

from codemill.domain.errors import InvalidKeyError

_FORBIDDEN_SEGMENTS = frozenset({"", ".", ".."})


def validate_key(key: str) -> str:
    """Return `key` unchanged if it is a safe object key, else raise InvalidKeyError."""
    if not isinstance(key, str) or not key:
        raise InvalidKeyError("storage key must be a non-empty string")
    if "\\" in key or "\x00" in key:
        raise InvalidKeyError(f"storage key {key!r} contains a backslash or NUL byte")
    if key.startswith("/"):
        raise InvalidKeyError(f"storage key {key!r} must be relative (no leading '/')")
    bad = [segment for segment in key.split("/") if segment in _FORBIDDEN_SEGMENTS]
    if bad:
        raise InvalidKeyError(
            f"storage key {key!r} has an empty, '.' or '..' segment; use plain names joined by '/'"
        )
    return key


def validate_prefix(prefix: str) -> str:
    """Return a listing prefix: empty, or a key that may end with '/'."""
    if prefix == "":
        return prefix
    validate_key(prefix[:-1] if prefix.endswith("/") and len(prefix) > 1 else prefix)
    return prefix


def join_key(*parts: str) -> str:
    """Join key parts with '/', dropping empty parts and duplicate slashes, then validate."""
    pieces = [segment for part in parts for segment in part.split("/") if segment]
    return validate_key("/".join(pieces))


def as_dir_prefix(prefix: str) -> str:
    """`a/b` -> `a/b/`; '' stays ''."""
    prefix = validate_prefix(prefix)
    return prefix if prefix == "" or prefix.endswith("/") else prefix + "/"
