"""The configuration reference and the README list every setting the code reads."""

from pathlib import Path

import pytest
from pydantic import BaseModel

from presentation.settings import Settings, env_name

ROOT = Path(__file__).resolve().parents[3]


def _variables(model: type[BaseModel], loc: tuple[str, ...] = ()) -> list[str]:
    names: list[str] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += _variables(annotation, (*loc, name))
        else:
            names.append(env_name((*loc, name)))
    return names


@pytest.mark.parametrize("doc", ["docs/configuration.md", "README.md"])
def test_every_variable_is_documented(doc: str) -> None:
    text = (ROOT / doc).read_text()
    missing = [name for name in _variables(Settings) if f"`{name}`" not in text]
    assert not missing, f"{doc} does not document {missing}"
