"""ModelInspector on transformers: checks a folder's files, loads it on a device."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codemill.domain.ports.model_inspector import FolderFindings
from codemill.infrastructure.export.onnx_files import export_record, is_onnx_folder
from codemill.infrastructure.inference.model_folder import open_model_folder
from codemill.infrastructure.validation.folder_files import folder_findings
from codemill.infrastructure.validation.hf_loaded_model import HfLoadedModel
from codemill.infrastructure.validation.onnx_folder import onnx_findings

if TYPE_CHECKING:
    from codemill.infrastructure.validation.onnx_loaded_model import OnnxLoadedModel
    from codemill.infrastructure.validation.onnx_seq2seq_loaded_model import OnnxSeq2SeqLoadedModel


class HfModelInspector:
    """ModelInspector (see the port) for folders that transformers' Auto classes load.

    Contract, beyond the port's: sequence classifiers and encoder-decoders
    are supported, and both exported to ONNX (`codemill export`: an
    export.json beside the graphs), checked with `onnx.checker` and run by
    ONNX Runtime on the CPU (encoder-decoders with the cached greedy
    decoder); the model is loaded in eval mode on `device`; generation in
    the quality check is greedy, up to `generation_tokens` new tokens.
    """

    def __init__(self, *, generation_tokens: int = 64) -> None:
        self._generation_tokens = generation_tokens

    def check_files(self, folder: str, *, allow_pickle: bool) -> FolderFindings:
        if is_onnx_folder(folder):
            return onnx_findings(folder)
        return folder_findings(folder, allow_pickle=allow_pickle)

    def load(
        self, folder: str, *, allow_pickle: bool, device: str
    ) -> HfLoadedModel | OnnxLoadedModel | OnnxSeq2SeqLoadedModel:
        if is_onnx_folder(folder):
            from codemill.infrastructure.validation.onnx_loaded_model import OnnxLoadedModel
            from codemill.infrastructure.validation.onnx_seq2seq_loaded_model import OnnxSeq2SeqLoadedModel

            if export_record(folder).get("kind") == "seq2seq":
                return OnnxSeq2SeqLoadedModel(folder, generation_tokens=self._generation_tokens)
            return OnnxLoadedModel(folder)
        loaded = open_model_folder(folder, allow_pickle=allow_pickle, device=device)
        return HfLoadedModel(loaded, generation_tokens=self._generation_tokens)
