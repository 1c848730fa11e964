"""Creates the one container of a process and wires the CLI modules to it."""

from __future__ import annotations

from codemill.presentation.container import Container

_container: Container | None = None


def wire_cli(container: Container | None = None) -> Container:
    """Wire `container` (or a new one) into every CLI module; return it."""
    global _container  # noqa: PLW0603 - one composition root per process
    import codemill.presentation.cli

    if _container is not None:
        _container.unwire()
    _container = container or Container()
    _container.wire(packages=[codemill.presentation.cli])
    return _container


def ensure_wired() -> Container:
    """The wired container, creating it on first use."""
    return _container if _container is not None else wire_cli()
