"""The model registry's rules: model and alias names, references, and the values a registry holds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from codemill.domain.errors import InputError
from codemill.domain.names import check_name
from codemill.domain.ports.model_resolver import REGISTRY_SCHEME

ALIAS_PATTERN = re.compile(r"[a-z][a-z0-9-]{0,39}")
_VERSION = re.compile(r"[1-9][0-9]{0,8}")
_FORMS = "registry:NAME@ALIAS or registry:NAME/VERSION"


def check_alias(alias: str) -> str:
    """`alias` unchanged when valid; InputError otherwise."""
    if not isinstance(alias, str) or not ALIAS_PATTERN.fullmatch(alias):
        raise InputError(
            f"invalid alias {alias!r}: use 1-40 lower-case letters, digits or '-', starting with a letter"
        )
    return alias


def check_model_name(name: str) -> str:
    return check_name(name, what="registry model")


def is_registry_reference(reference: str) -> bool:
    return reference.startswith(REGISTRY_SCHEME)


@dataclass(frozen=True, kw_only=True)
class RegistryReference:
    """`registry:NAME@ALIAS` (alias set) or `registry:NAME/VERSION` (version set)."""

    name: str
    alias: str | None = None
    version: int | None = None

    def __str__(self) -> str:
        tail = f"@{self.alias}" if self.alias is not None else f"/{self.version}"
        return f"{REGISTRY_SCHEME}{self.name}{tail}"


def parse_reference(reference: str) -> RegistryReference:
    """The parts of a registry reference; InputError naming the two forms when it is neither."""
    body = reference.removeprefix(REGISTRY_SCHEME)
    if "@" in body:
        name, _, alias = body.partition("@")
        if ALIAS_PATTERN.fullmatch(alias) is None:
            raise InputError(f"invalid alias in {reference!r}: expected {_FORMS}")
        return RegistryReference(name=_name_in(name, reference), alias=alias)
    name, _, number = body.partition("/")
    if _VERSION.fullmatch(number) is None:
        raise InputError(f"invalid model reference {reference!r}: expected {_FORMS}")
    return RegistryReference(name=_name_in(name, reference), version=int(number))


def _name_in(name: str, reference: str) -> str:
    try:
        return check_model_name(name)
    except InputError:
        raise InputError(f"invalid model name in {reference!r}: expected {_FORMS}") from None


@dataclass(frozen=True, kw_only=True)
class ModelSource:
    """What is registered: a model published in storage (`models/NAME`) or a local model folder."""

    kind: Literal["storage", "local"]
    location: str  # the stored model's name, or the folder's absolute path
    scope: str = ""  # the storage prefix a stored model lives under, e.g. 'pipelines/RUN_ID' ('': the root)

    def __str__(self) -> str:
        if self.kind == "local":
            return self.location
        return f"{self.scope.rstrip('/')}/models/{self.location}" if self.scope else f"models/{self.location}"


@dataclass(frozen=True, kw_only=True)
class ValidationVerdict:
    """Whether a validation report passed, and where the report is."""

    passed: bool
    report: str  # storage prefix of the published report
    created_at: str
    dataset: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "report": self.report,
            "created_at": self.created_at,
            "dataset": self.dataset,
        }


@dataclass(frozen=True, kw_only=True)
class RegisteredVersion:
    """A complete version: its number, its record (version.json) and its manifest's sha256."""

    name: str
    version: int
    record: Mapping[str, Any] = field(default_factory=dict)
    manifest_sha256: str = ""
    created_at: str = ""

    @property
    def reference(self) -> str:
        return str(RegistryReference(name=self.name, version=self.version))
