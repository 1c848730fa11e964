"""ModelLoader for exported ONNX folders, handing every other folder to the PyTorch loader."""

from __future__ import annotations

from codemill.domain.ports.model_loader import ModelLoader, ModelRunner
from codemill.domain.ports.model_resolver import ResolvedModel
from codemill.infrastructure.export.onnx_files import is_onnx_folder
from codemill.infrastructure.inference.calibrated_classifier import read_calibration
from codemill.infrastructure.inference.hf_model_loader import generation_length


class OnnxModelLoader:
    """ModelLoader (see the port): a folder with export.json and graphs runs in ONNX Runtime on the CPU
    (`threads` for its pool, 0: its default); anything else goes to `fallback`. Only ONNX, JSON and
    tokenizer files are read."""

    def __init__(
        self, fallback: ModelLoader, *, threads: int | None = None, max_new_tokens: int | None = None
    ) -> None:
        self._fallback = fallback
        self._threads = threads or 0
        self._max_new_tokens = max_new_tokens

    def load(self, model: ResolvedModel) -> ModelRunner:
        if not is_onnx_folder(model.folder):
            return self._fallback.load(model)
        from codemill.infrastructure.export.onnx_model_runner import OnnxModelRunner

        return OnnxModelRunner(
            model.folder,
            calibration=read_calibration(model.folder),
            threads=self._threads,
            max_new_tokens=self._max_new_tokens or generation_length(model.lineage),
        )
