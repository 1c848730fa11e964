"""Port: training runs and exported models in storage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from codemill.domain.manifest import Manifest


class RunRepository(Protocol):
    """Runs under `runs/RUN/` and exported models under `models/RUN/`.

    Contract: `sync_checkpoints` mirrors the local `checkpoints/` folder of a
    run into storage (uploads new checkpoints, deletes pruned ones; each
    checkpoint's metadata file is uploaded last); `fetch_checkpoints`
    downloads them back into a local folder (for --resume on another
    machine); `publish_run` writes the run's metrics, plots and run record
    with `manifest.json` last; `export_model` uploads a standalone model
    folder (config, safetensors weights, tokenizer, model card) under
    `models/NAME/` with its manifest last; `model_manifest` reads an exported
    model's manifest and `fetch_model` downloads the model into a local
    folder, every file verified against the manifest (a folder already
    complete for the same manifest is reused). Readers see published runs
    and models only.
    """

    def sync_checkpoints(self, name: str, local_folder: str) -> None: ...

    def fetch_checkpoints(self, name: str, local_folder: str) -> int: ...

    def publish_run(self, name: str, files: Mapping[str, bytes], record: Mapping[str, Any]) -> Manifest: ...

    def export_model(self, name: str, model_folder: str, extra_files: Mapping[str, bytes]) -> Manifest: ...

    def model_manifest(self, name: str) -> Manifest: ...

    def fetch_model(self, name: str, local_root: str) -> str: ...

    def model_names(self) -> list[str]: ...

    def names(self) -> list[str]: ...

    def record(self, name: str) -> dict[str, Any]: ...
