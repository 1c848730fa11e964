"""The `codemill` facade: every exported name resolves, lazily, to the object in its layer."""

from __future__ import annotations

import subprocess
import sys

import codemill


def test_every_name_in_all_resolves() -> None:
    for name in codemill.__all__:
        assert getattr(codemill, name) is not None, name


def test_the_facade_hands_out_the_layer_objects_themselves() -> None:
    from codemill.application.collection.collect_data import CollectRequest
    from codemill.domain.errors import InputError
    from codemill.presentation.container import Container

    assert codemill.CollectRequest is CollectRequest
    assert codemill.InputError is InputError
    assert codemill.Container is Container


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        codemill.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("an unknown name resolved")


def test_importing_the_package_imports_no_layer() -> None:
    probe = "import sys, codemill\nprint(sorted(m for m in sys.modules if m.startswith('codemill.')))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_all_lists_exactly_the_exported_names() -> None:
    assert set(codemill.__all__) == {*codemill._EXPORTS, "__version__"}
