"""`codemill storage`: browse and move artifacts in the configured backend."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO, cast

import click
from dependency_injector.wiring import Provide, inject

from codemill.application.publishing.artifacts import verify_manifest
from codemill.domain.errors import ArtifactNotFoundError, IntegrityError
from codemill.domain.keys import as_dir_prefix, join_key
from codemill.presentation.cli.options import json_option
from codemill.presentation.cli.output import emit_json, human_size, render_table

if TYPE_CHECKING:
    from codemill.domain.ports.artifact_store import ArtifactStore

STORE = "artifact_store"
CopyToFile = Callable[[Path, BinaryIO], int]  # (target, stream) -> bytes written, whole or not at all


@click.group("storage")
def storage_group() -> None:
    """Browse and move artifacts in the configured storage.

    The backend is chosen by CODEMILL_STORAGE__BACKEND (local or s3); keys
    are '/'-separated names such as corpora/mycode/manifest.json.
    """


@storage_group.command("ls")
@click.argument("prefix", default="")
@json_option
@inject
def ls_command(prefix: str, as_json: bool, store: ArtifactStore = Provide[STORE]) -> None:
    """List objects whose key starts with PREFIX (all objects by default)."""
    found = list(store.list_objects(prefix))
    objects = [{"key": o.key, "size": o.size} for o in found]
    if as_json:
        emit_json({"location": store.location, "prefix": prefix, "objects": objects})
        return
    if objects:
        click.echo(render_table(objects, ["key", "size"]))
    total = sum(o.size for o in found)
    click.echo(f"{len(objects)} objects, {human_size(total)} in {store.location}")


@storage_group.command("put")
@click.argument("source", type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.argument("key")
@json_option
@inject
def put_command(
    source: Path,
    key: str,
    as_json: bool,
    store: ArtifactStore = Provide[STORE],
    files_under: Callable[[Path], list[Path]] = Provide["local_files_under"],
) -> None:
    """Upload SOURCE (a file, a folder, or - for stdin) to KEY.

    A folder is uploaded recursively: its files land under KEY/.
    """
    if str(source) == "-":
        store.put(join_key(key), cast("BinaryIO", click.open_file("-", "rb")))
        count, size = 1, -1
    elif source.is_dir():
        count, size = _put_folder(store, files_under(source), source, key)
    else:
        with source.open("rb") as stream:
            store.put(join_key(key), stream)
        count, size = 1, source.stat().st_size
    if as_json:
        emit_json({"location": store.location, "key": key, "objects": count, "bytes": size})
    else:
        amount = f" ({human_size(size)})" if size >= 0 else ""
        click.echo(f"put {count} object{'s' * (count != 1)}{amount} to {store.location} {key}")


def _put_folder(store: ArtifactStore, files: list[Path], folder: Path, key: str) -> tuple[int, int]:
    total = 0
    with click.progressbar(files, label="uploading", file=sys.stderr, show_pos=True) as bar:
        for path in bar:
            with path.open("rb") as stream:
                store.put(join_key(key, path.relative_to(folder).as_posix()), stream)
            total += path.stat().st_size
    return len(files), total


@storage_group.command("get")
@click.argument("key")
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@json_option
@inject
def get_command(
    key: str,
    dest: Path | None,
    as_json: bool,
    store: ArtifactStore = Provide[STORE],
    copy_to_file: CopyToFile = Provide["copy_to_local_file"],
) -> None:
    """Download KEY to DEST (default: its base name here).

    If KEY is a prefix rather than an object, every object under it is
    downloaded into the folder DEST, keeping the relative layout.
    """
    name = PurePosixPath(key.rstrip("/")).name or "download"
    if not key.endswith("/") and store.exists(key):
        target = dest / name if dest is not None and dest.is_dir() else dest or Path(name)
        with store.open(key) as stream:
            written = [(target, copy_to_file(target, stream))]
    else:
        written = _get_prefix(store, as_dir_prefix(key), dest or Path(name), copy_to_file)
    if as_json:
        emit_json([{"path": str(p), "bytes": n} for p, n in written])
    else:
        for path, size in written:
            click.echo(f"{path}  {human_size(size)}")


def _get_prefix(
    store: ArtifactStore, prefix: str, folder: Path, copy_to_file: CopyToFile
) -> list[tuple[Path, int]]:
    keys = list(store.list(prefix))
    if not keys:
        raise ArtifactNotFoundError(f"no object or prefix {prefix.rstrip('/')!r} in {store.location}")
    written = []
    with click.progressbar(keys, label="downloading", file=sys.stderr, show_pos=True) as bar:
        for key in bar:
            target = folder.joinpath(*key[len(prefix) :].split("/"))
            with store.open(key) as stream:
                written.append((target, copy_to_file(target, stream)))
    return written


@storage_group.command("cat")
@click.argument("key")
@inject
def cat_command(key: str, store: ArtifactStore = Provide[STORE]) -> None:
    """Write the object KEY to stdout."""
    out = click.open_file("-", "wb")
    with store.open(key) as stream:
        while chunk := stream.read(1 << 20):
            out.write(chunk)
    out.flush()


@storage_group.command("rm")
@click.argument("keys", nargs=-1, required=True)
@click.option("-r", "--recursive", is_flag=True, help="Also delete every object under each KEY/.")
@json_option
@inject
def rm_command(
    keys: tuple[str, ...], recursive: bool, as_json: bool, store: ArtifactStore = Provide[STORE]
) -> None:
    """Delete the objects KEYS (with -r, whole prefixes)."""
    deleted = 0
    for key in keys:
        found = store.exists(key) if not key.endswith("/") else False
        under = store.delete_prefix(as_dir_prefix(key)) if recursive else 0
        if not found and not under:
            raise ArtifactNotFoundError(
                f"no object {key!r} in {store.location}" + ("" if recursive else " (use -r for a prefix)")
            )
        if found:
            store.delete(key)
        deleted += under + found
    if as_json:
        emit_json({"location": store.location, "deleted": deleted})
    else:
        click.echo(f"deleted {deleted} object{'s' * (deleted != 1)} from {store.location}")


@storage_group.command("verify")
@click.argument("prefix")
@json_option
@inject
def verify_command(prefix: str, as_json: bool, store: ArtifactStore = Provide[STORE]) -> None:
    """Check every artifact under PREFIX against its manifest.json (exit 1 on any mismatch)."""
    report = verify_manifest(store, prefix)
    if as_json:
        emit_json(
            {
                "prefix": report.prefix,
                "ok": report.ok,
                "checked": report.checked,
                "missing": list(report.missing),
                "mismatched": list(report.mismatched),
            }
        )
    elif report.ok:
        click.echo(report.summary())
    if not report.ok:
        raise IntegrityError(report.summary())
