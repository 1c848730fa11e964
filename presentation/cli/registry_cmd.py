"""`codemill registry`: register models as immutable versions, move aliases, read versions and histories."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from dependency_injector.wiring import Provide, inject

from codemill.presentation.cli import registry_output as render
from codemill.presentation.cli.options import json_option

if TYPE_CHECKING:
    from collections.abc import Callable

    from codemill.application.registry.promote_model import PromoteModel
    from codemill.application.registry.register_model import RegisterModel
    from codemill.application.registry.registry_catalog import RegistryCatalog
    from codemill.application.registry.rollback_alias import RollbackAlias
    from codemill.application.registry.set_alias import SetAlias

_reason = click.option("--reason", default="", help="Why: kept in the alias's history (and version.json).")


@click.group("registry")
def registry_group() -> None:
    """Registered models: numbered immutable versions and aliases with a history.

    Anywhere a model is named (validate, distill --teacher, serve), use
    registry:NAME@ALIAS or registry:NAME/VERSION.

    \b
    Examples:
      codemill registry register r1 --name kinds --alias staging --reason "first cut"
      codemill registry promote kinds --from staging --to production --require-validation
      codemill registry rollback kinds production --reason "p95 latency doubled"
      codemill registry show kinds
      codemill validate registry:kinds@production --dataset kinds
    """


@registry_group.command("register")
@click.argument("model")
@click.option("--name", required=True, help="Registry model name (letters, digits, '.', '-', '_').")
@click.option("--alias", help="Point this alias at the new version (e.g. staging).")
@click.option(
    "--pipeline",
    "run_id",
    metavar="RUN_ID",
    help="MODEL is a model of this pipeline run (teacher, student), with its run's lineage.",
)
@_reason
@json_option
@inject
def register_command(
    model: str,
    name: str,
    alias: str | None,
    run_id: str | None,
    reason: str,
    as_json: bool,
    use_case: RegisterModel = Provide["register_model"],
    from_pipeline: Callable[[str], RegisterModel] = Provide["register_from_pipeline"],
) -> None:
    """Copy MODEL (models/NAME, a model name in storage, or a local folder) in as a new version.

    \b
    Examples:
      codemill registry register r1 --name kinds
      codemill registry register student --pipeline 20261205T001030Z-c716d9f3 --name complexity
      codemill registry register ./exported-model --name kinds --alias staging --json
    """
    from codemill.application.registry.register_model import RegisterRequest

    if run_id is not None:
        use_case = from_pipeline(run_id)
    result = use_case.execute(RegisterRequest(model=model, name=name, alias=alias, reason=reason))
    render.registered(result, as_json)


@registry_group.command("alias")
@click.argument("name")
@click.argument("alias")
@click.argument("version", type=click.IntRange(min=1))
@_reason
@json_option
@inject
def alias_command(
    name: str,
    alias: str,
    version: int,
    reason: str,
    as_json: bool,
    use_case: SetAlias = Provide["set_alias"],
) -> None:
    """Point ALIAS of NAME at VERSION (creates the alias on its first move).

    \b
    Examples:
      codemill registry alias kinds staging 3 --reason "retrained on May data"
    """
    from codemill.application.registry.set_alias import AliasRequest

    result = use_case.execute(AliasRequest(name=name, alias=alias, version=version, reason=reason))
    render.moved(result, as_json)


@registry_group.command("promote")
@click.argument("name")
@click.option("--from", "source", default="staging", show_default=True, help="The alias promoted.")
@click.option("--to", "target", default="production", show_default=True, help="The alias that takes it.")
@click.option(
    "--require-validation",
    is_flag=True,
    help="Refuse a version whose validation report is missing or failed.",
)
@_reason
@json_option
@inject
def promote_command(
    name: str,
    source: str,
    target: str,
    require_validation: bool,
    reason: str,
    as_json: bool,
    use_case: PromoteModel = Provide["promote_model"],
) -> None:
    """Point --to at the version --from points at now.

    \b
    Examples:
      codemill registry promote kinds
      codemill registry promote kinds --from candidate --to staging --require-validation --json
    """
    from codemill.application.registry.promote_model import PromoteRequest

    request = PromoteRequest(
        name=name, source=source, target=target, reason=reason, require_validation=require_validation
    )
    render.moved(use_case.execute(request), as_json)


@registry_group.command("rollback")
@click.argument("name")
@click.argument("alias")
@_reason
@json_option
@inject
def rollback_command(
    name: str,
    alias: str,
    reason: str,
    as_json: bool,
    use_case: RollbackAlias = Provide["rollback_alias"],
) -> None:
    """Move ALIAS of NAME back to the version it pointed at before (again: one more step back).

    \b
    Examples:
      codemill registry rollback kinds production --reason "accuracy dropped in production"
    """
    from codemill.application.registry.rollback_alias import RollbackRequest

    render.moved(use_case.execute(RollbackRequest(name=name, alias=alias, reason=reason)), as_json)


@registry_group.command("ls")
@json_option
@inject
def ls_command(as_json: bool, catalog: RegistryCatalog = Provide["registry_catalog"]) -> None:
    """Registered models with their latest version and aliases.

    \b
    Examples:
      codemill registry ls --json
    """
    render.models(catalog.models(), as_json)


@registry_group.command("show")
@click.argument("name")
@json_option
@inject
def show_command(name: str, as_json: bool, catalog: RegistryCatalog = Provide["registry_catalog"]) -> None:
    """NAME's versions (source, lineage, key metrics, validation) and its aliases.

    \b
    Examples:
      codemill registry show kinds
      codemill registry show kinds --json | jq '.versions[-1].lineage'
    """
    render.details(catalog.show(name), as_json)


@registry_group.command("history")
@click.argument("name")
@click.argument("alias", required=False)
@json_option
@inject
def history_command(
    name: str, alias: str | None, as_json: bool, catalog: RegistryCatalog = Provide["registry_catalog"]
) -> None:
    """Every move of ALIAS of NAME (of all its aliases without ALIAS): time, user, from, to, reason.

    \b
    Examples:
      codemill registry history kinds production
      codemill registry history kinds --json
    """
    render.history(catalog.history(name, alias), as_json)
