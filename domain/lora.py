"""LoRA settings: the `r=8,alpha=16,dropout=0.05,targets=q,v` spec of `--lora` and `train.lora`."""

from __future__ import annotations

from dataclasses import dataclass

from codemill.domain.errors import InputError

SPEC_HELP = "r=8,alpha=16,dropout=0.05[,targets=q,v]"
_NUMBERS = frozenset({"r", "alpha", "dropout"})


@dataclass(frozen=True, slots=True, kw_only=True)
class LoraSpec:
    """Rank `r`, scaling `alpha` (the update is scaled by alpha / r), `dropout` on the LoRA input, and
    the names of the modules to adapt; empty `targets` means the architecture's default."""

    r: int = 8
    alpha: int = 16
    dropout: float = 0.05
    targets: tuple[str, ...] = ()


def parse_lora_spec(text: str) -> LoraSpec | None:
    """The spec of `text` ('' means no LoRA); `targets=` takes the rest of the text, comma-separated.

    Any malformed part is an InputError of one line that names it and shows the form.
    """
    text = text.strip()
    if not text:
        return None
    head, _, targets_text = text.partition("targets=")
    values: dict[str, str] = {}
    for part in filter(None, (piece.strip() for piece in head.split(","))):
        key, sep, value = part.partition("=")
        if not sep or key.strip() not in _NUMBERS:
            raise _bad(text, f"unknown part {part!r}")
        values[key.strip()] = value.strip()
    targets = tuple(name.strip() for name in targets_text.split(",") if name.strip())
    if "targets=" in text and not targets:
        raise _bad(text, "targets= names no module")
    spec = LoraSpec(
        r=int(_number(text, values, "r", 8, whole=True)),
        alpha=int(_number(text, values, "alpha", 16, whole=True)),
        dropout=_number(text, values, "dropout", 0.05),
        targets=targets,
    )
    if spec.r < 1 or spec.alpha <= 0 or not 0 <= spec.dropout < 1:
        raise _bad(text, "r must be >= 1, alpha > 0 and dropout in [0, 1)")
    return spec


def _number(text: str, values: dict[str, str], key: str, default: float, *, whole: bool = False) -> float:
    if key not in values:
        return default
    try:
        return int(values[key]) if whole else float(values[key])
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise _bad(text, f"{key}={values[key]!r} is not {kind}") from None


def _bad(text: str, problem: str) -> InputError:
    return InputError(f"invalid LoRA spec {text!r}: {problem}; write it as {SPEC_HELP}")
