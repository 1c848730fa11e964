"""Coverage-guided fuzzing of the collect path with atheris, for long runs on demand.

Each input is split into an extension choice (its first byte) and the file's
bytes; the file goes through the real `FileProcessor` and the invariants of
`collect_invariants` are checked, so a violation or an escaping exception is a
crash that atheris reports and saves (crash-<hash> in the working directory).

atheris is not a dev dependency: it ships wheels for some Python versions
only, and elsewhere builds from source with clang and libFuzzer:

    .venv/bin/pip install atheris      # without a wheel: CLANG_BIN=$(which clang) first
    .venv/bin/python -m tests.fuzz.atheris_collect --seeds fuzz-corpus   # real files, once
    .venv/bin/python -m tests.fuzz.atheris_collect -max_total_time=3600 -max_len=65536 fuzz-corpus
    .venv/bin/python -m tests.fuzz.atheris_collect crash-<hash>          # replay one input

Any libFuzzer flag may follow the module name. Without seeds the fuzzer rarely
writes a definition, so most of its inputs never reach the unit extraction.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from codemill.domain.sources import RawFile
from tests.fuzz.grammar_fragments import EXTENSIONS


def file_of(data: bytes) -> RawFile:
    """The fuzzer's bytes as a file: the first byte picks the extension, the rest is its content."""
    if not data:
        return RawFile(path="fuzz/empty.py", data=b"", source="atheris")
    extension = EXTENSIONS[data[0] % len(EXTENSIONS)]
    return RawFile(path=f"fuzz/input{extension}", data=data[1:], source="atheris")


def write_seeds(folder: Path) -> int:
    """The hand-written corpus and sampled standard-library modules as fuzzer inputs; how many."""
    from tests.fuzz.strategies import real_files

    folder.mkdir(parents=True, exist_ok=True)
    for path in real_files():
        (folder / path.name).write_bytes(bytes([EXTENSIONS.index(path.suffix)]) + path.read_bytes())
    return len(real_files())


def test_one_input(data: bytes) -> None:
    from tests.fuzz.collect_invariants import check

    raw = file_of(data)
    check(raw)
    check(raw, redact=True)


def main(argv: Sequence[str]) -> None:
    if len(argv) == 3 and argv[1] == "--seeds":
        print(f"{write_seeds(Path(argv[2]))} seeds in {argv[2]}")
        return
    try:
        import atheris
    except ImportError:
        sys.exit("atheris is not installed: .venv/bin/pip install atheris")
    with atheris.instrument_imports(include=["codemill"]):  # coverage of codemill's own code only
        from tests.fuzz.collect_invariants import processor

        processor(redact=False)  # grammars and analyzers load before fuzzing starts
        processor(redact=True)
    atheris.Setup(list(argv), test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
