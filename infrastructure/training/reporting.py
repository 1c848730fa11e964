"""transformers' own reporting integrations (TensorBoard, MLflow) around a training run.

Light to import (transformers and mlflow load inside the functions), so a command can check for the
integration's package before anything else.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from codemill.domain.errors import InputError, first_line

if TYPE_CHECKING:
    from transformers import Trainer

# The modules each integration imports (TensorBoard: torch's writer needs `tensorboard`, else tensorboardX).
_MODULES = {"tensorboard": ("tensorboard", "tensorboardX"), "mlflow": ("mlflow",)}
_PACKAGES = {"tensorboard": "tensorboard", "mlflow": "mlflow (or mlflow-skinny)"}
_USER_INFO = re.compile(r"(://)[^/@\s]+@")  # user:password@ in a URI
C = TypeVar("C")


def prepare_reporter(report_to: str) -> None:
    """Before any work: one line when the package of the integration `report_to` names is missing.

    For MLflow, its usage telemetry (a network call of its own) stays off unless MLFLOW_DISABLE_TELEMETRY
    is set: the only network is the tracking URI the user chose.
    """
    modules = _MODULES.get(report_to, ())
    if modules and not any(importlib.util.find_spec(module) for module in modules):
        raise InputError(
            f"--report-to {report_to} needs the {_PACKAGES[report_to]} package: pip install 'codemill[track]'"
        )
    if report_to == "mlflow":
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")


@contextmanager
def reporting(trainer: Trainer, tensorboard_dir: Path) -> Iterator[None]:
    """The trainer's reporting callbacks over training and the final evaluation that follows it.

    - TensorBoard: events go to `tensorboard_dir` (TENSORBOARD_LOGGING_DIR, when set, wins); the writer
      is closed on the way out, the final evaluation's values included.
    - MLflow: one run named after the codemill run (`args.run_name`) stays open until the way out
      (transformers' callback ends its run with training, and the final evaluation would then open a
      second, unnamed one); an exception ends it as FAILED. Where it goes is MLflow's own affair
      (MLFLOW_TRACKING_URI, MLFLOW_EXPERIMENT_NAME, MLFLOW_RUN_ID). A run the caller already has open
      is logged into and left open.
    """
    from transformers.integrations.integration_utils import TensorBoardCallback

    board = _callback(trainer, TensorBoardCallback)
    if board is not None and board.logging_dir is None:
        board.logging_dir = str(tensorboard_dir)
    try:
        with _mlflow_run(trainer):
            yield
    finally:
        if board is not None and board.tb_writer is not None:
            board.tb_writer.close()
            board.tb_writer = None


@contextmanager
def _mlflow_run(trainer: Trainer) -> Iterator[None]:
    from transformers.integrations.integration_utils import MLflowCallback

    if _callback(trainer, MLflowCallback) is None or not trainer.is_world_process_zero():
        yield
        return
    import mlflow
    from mlflow.exceptions import MlflowException

    if mlflow.active_run() is not None:
        yield
        return
    try:
        run = mlflow.start_run(run_name=trainer.args.run_name)
    except MlflowException as exc:
        first = first_line(exc)
        where = _USER_INFO.sub(r"\1***@", f"at {mlflow.get_tracking_uri()} ({first})")
        raise InputError(
            f"--report-to mlflow: cannot start a run {where}; set MLFLOW_TRACKING_URI to a tracking "
            "server or a database such as sqlite:///mlflow.db"
        ) from None
    with run:
        yield


def _callback(trainer: Trainer, kind: type[C]) -> C | None:
    return next((c for c in trainer.callback_handler.callbacks if isinstance(c, kind)), None)
