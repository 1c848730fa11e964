"""ModelInspector on transformers: checks a folder's files, loads it on a device."""

from __future__ import annotations

from codemill.domain.ports.model_inspector import FolderFindings
from codemill.infrastructure.inference.model_folder import open_model_folder
from codemill.infrastructure.validation.folder_files import folder_findings
from codemill.infrastructure.validation.hf_loaded_model import HfLoadedModel


class HfModelInspector:
    """ModelInspector (see the port) for folders that transformers' Auto classes load.

    Contract, beyond the port's: sequence classifiers and encoder-decoders
    are supported; the model is loaded in eval mode on `device`; generation
    in the quality check is greedy, up to `generation_tokens` new tokens.
    """

    def __init__(self, *, generation_tokens: int = 64) -> None:
        self._generation_tokens = generation_tokens

    def check_files(self, folder: str, *, allow_pickle: bool) -> FolderFindings:
        return folder_findings(folder, allow_pickle=allow_pickle)

    def load(self, folder: str, *, allow_pickle: bool, device: str) -> HfLoadedModel:
        loaded = open_model_folder(folder, allow_pickle=allow_pickle, device=device)
        return HfLoadedModel(loaded, generation_tokens=self._generation_tokens)
