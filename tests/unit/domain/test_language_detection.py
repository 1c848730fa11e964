from __future__ import annotations

import pytest

from codemill.domain.code import Language
from codemill.domain.language_detection import detect_language


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("pkg/module.py", Language.PYTHON),
        ("stubs/types.pyi", Language.PYTHON),
        ("gui.pyw", Language.PYTHON),
        ("src/app.js", Language.JAVASCRIPT),
        ("esm/index.mjs", Language.JAVASCRIPT),
        ("cjs/index.cjs", Language.JAVASCRIPT),
        ("ui/Button.jsx", Language.JAVASCRIPT),
        ("src/app.ts", Language.TYPESCRIPT),
        ("src/app.mts", Language.TYPESCRIPT),
        ("src/app.cts", Language.TYPESCRIPT),
        ("ui/Button.tsx", Language.TSX),
        ("Main.java", Language.JAVA),
        ("cmd/main.go", Language.GO),
        ("src/lib.rs", Language.RUST),
        ("buffer.c", Language.C),
        ("buffer.h", Language.C),
        ("matrix.cc", Language.CPP),
        ("matrix.cpp", Language.CPP),
        ("matrix.cxx", Language.CPP),
        ("matrix.hpp", Language.CPP),
        ("matrix.hh", Language.CPP),
        ("matrix.hxx", Language.CPP),
        ("Orders.cs", Language.CSHARP),
        ("lib/book.rb", Language.RUBY),
        ("Rakefile.rake", Language.RUBY),
        ("library.gemspec", Language.RUBY),
        ("index.php", Language.PHP),
        ("Shapes.kt", Language.KOTLIN),
        ("build.gradle.kts", Language.KOTLIN),
        ("SRC/MAIN.PY", Language.PYTHON),
        ("windows\\path\\file.go", Language.GO),
    ],
)
def test_extension_decides(path: str, language: Language) -> None:
    assert detect_language(path) is language


@pytest.mark.parametrize("path", ["README.md", "data.json", "Makefile", ".py", "archive.py.gz", "notes"])
def test_unknown_extensions_give_none(path: str) -> None:
    assert detect_language(path) is None


def test_extension_wins_over_shebang() -> None:
    assert detect_language("tool.rb", "#!/usr/bin/env python3\n") is Language.RUBY


@pytest.mark.parametrize(
    ("head", "language"),
    [
        ("#!/usr/bin/python\nprint(1)\n", Language.PYTHON),
        ("#!/usr/bin/python3.11\n", Language.PYTHON),
        ("#!/usr/bin/env python3\n", Language.PYTHON),
        ("#!/usr/bin/env -S python3 -u\nimport sys\n", Language.PYTHON),
        ("#! /usr/bin/env -S PYTHONPATH=. python3 -X dev\n", Language.PYTHON),
        ("#!/usr/bin/env node\n", Language.JAVASCRIPT),
        ("#!/usr/local/bin/nodejs\n", Language.JAVASCRIPT),
        ("#!/usr/bin/ruby -w\n", Language.RUBY),
        ("#!/usr/bin/env ruby2.7\n", Language.RUBY),
        ("#!/usr/bin/php\n<?php echo 1;\n", Language.PHP),
        ("\ufeff#!/usr/bin/env python\n", Language.PYTHON),
    ],
)
def test_shebang_decides_without_a_known_extension(head: str, language: Language) -> None:
    assert detect_language("bin/tool", head) is language


@pytest.mark.parametrize(
    "head",
    ["", "print(1)\n", "#!/bin/sh\n", "#!/usr/bin/env bash\n", "#!\n", "#!/usr/bin/env -S\n", "# python\n"],
)
def test_other_heads_give_none(head: str) -> None:
    assert detect_language("bin/tool", head) is None
