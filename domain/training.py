"""Training runs: their configuration, checkpoints and outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from codemill.domain.errors import InputError
from codemill.domain.lora import parse_lora_spec

Precision = Literal["auto", "fp32", "bf16", "fp16"]
Mode = Literal["min", "max"]
ReportTo = Literal["none", "tensorboard", "mlflow"]

PRESETS = ("micro", "tiny", "mini", "small", "base")
REPORT_TO: tuple[ReportTo, ...] = ("none", "tensorboard", "mlflow")
# Field metadata of a setting that changes where a run is reported, not what it trains: config hashes
# leave it out, so changing it keeps a run's checkpoints (and a pipeline's finished steps).
NOT_HASHED = MappingProxyType({"hashed": False})
# Field metadata of a setting added after runs were made: hashed only when it differs from its default,
# so the runs made before it keep their config hashes (and resume).
HASHED_WHEN_SET = MappingProxyType({"hashed": "when_set"})


@dataclass(frozen=True, kw_only=True)
class TrainingConfig:
    """Everything that decides how a model is trained; maps onto transformers' TrainingArguments.

    `warmup` below 1 is a ratio of the total steps, 1 or more a number of
    steps. `metric` is the evaluation metric monitored for early stopping and
    checkpoint selection ('loss', 'accuracy', 'macro_f1', 'mcc', 'bleu4',
    'exact_match', 'token_f1'; 'ast_validity' and 'ngram_similarity' too when
    the target is code); `mode` says whether lower or higher is better
    (default: min for loss, max otherwise). `report_to` also sends the logged
    metrics to transformers' TensorBoard or MLflow integration; it is no part
    of the config hash. `lora` (see `codemill.domain.lora`) freezes the model
    and trains low-rank adapters, merged into the weights at export.
    """

    model: str = "tiny"  # a preset or a hub name / local path
    epochs: float = 3.0
    max_steps: int | None = None  # wins over epochs when set
    batch_size: int = 16
    eval_batch_size: int | None = None
    gradient_accumulation: int = 1
    learning_rate: float = 5e-4
    warmup: float = 0.1
    scheduler: Literal["linear", "cosine"] = "linear"
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    precision: Precision = "auto"
    seed: int = 42
    eval_every: int | None = None  # steps; None evaluates (and saves) once per epoch
    logging_steps: int = 10
    early_stopping_patience: int | None = None
    early_stopping_min_delta: float = 0.0
    metric: str = ""  # '' -> the task's default metric
    mode: Mode | None = None
    keep_best: int = 1
    keep_latest: int = 1
    max_input_length: int = 512
    max_target_length: int = 64
    generation_max_length: int = 64
    num_beams: int = 1
    max_eval_samples: int | None = None
    # '' trains every weight; 'r=8,alpha=16,dropout=0.05[,targets=q,v]' trains LoRA adapters
    lora: str = field(default="", metadata=HASHED_WHEN_SET)
    report_to: ReportTo = field(default="none", metadata=NOT_HASHED)
    # the hub commit or tag to load `model` at (a hub name only); None loads the hub's latest, unpinned
    revision: str | None = field(default=None, metadata=HASHED_WHEN_SET)

    def __post_init__(self) -> None:
        checks = {
            "epochs must be > 0": self.epochs > 0,
            "batch size must be >= 1": self.batch_size >= 1,
            "gradient accumulation must be >= 1": self.gradient_accumulation >= 1,
            "learning rate must be > 0": self.learning_rate > 0,
            "warmup must be >= 0": self.warmup >= 0,
            "keep_best must be >= 1 (the best checkpoint is always kept)": self.keep_best >= 1,
            "keep_latest must be >= 1": self.keep_latest >= 1,
            "max_steps must be >= 1": self.max_steps is None or self.max_steps >= 1,
            "eval_every must be >= 1": self.eval_every is None or self.eval_every >= 1,
            "num_beams must be >= 1": self.num_beams >= 1,
            f"report_to must be one of {', '.join(REPORT_TO)} (got {self.report_to!r})": (
                self.report_to in REPORT_TO
            ),
        }
        broken = [message for message, ok in checks.items() if not ok]
        if broken:
            raise InputError("invalid training config: " + "; ".join(broken))
        if self.revision is not None and self.model in PRESETS:
            raise InputError(
                f"a revision pins a hub model, but {self.model!r} is a preset built here: drop the revision"
            )
        parse_lora_spec(self.lora)  # a malformed spec fails here, in one line

    def monitored(self, default_metric: str) -> tuple[str, Mode]:
        """The metric to monitor and its direction."""
        metric = self.metric or default_metric
        return metric, self.mode or ("min" if metric == "loss" else "max")


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckpointInfo:
    """One saved checkpoint: where, when, how good, and the checksums of its files."""

    step: int
    epoch: float
    metrics: Mapping[str, float]
    location: str  # a local folder or a storage prefix
    config_hash: str = ""
    files: Mapping[str, str] = field(default_factory=dict)  # relative path -> sha256
    schema_version: int = 1


@dataclass(frozen=True, kw_only=True)
class TrainingOutcome:
    """What a training run produced (before export)."""

    best: CheckpointInfo | None
    last: CheckpointInfo | None
    metrics: Mapping[str, float]  # final evaluation on the test split (or validation)
    history: tuple[Mapping[str, float], ...]  # logged steps and evaluations, in order
    stopped_early: bool = False
    interrupted: bool = False  # Ctrl-C: a checkpoint was saved, the run can be resumed
    diverged: bool = False  # NaN or infinite loss: stopped, the last good checkpoint kept
    samples_per_second: float = 0.0
    best_model_dir: str | None = None  # the best model alone (weights, config, tokenizer), ready to export
    # Files the trainer wrote in the run's folder that join the published run (paths relative to it).
    run_files: tuple[str, ...] = ()
    # A LoRA run: trainable and total parameters, the trainable fraction, and the figures of the merge
    # check made at export (max abs differences of logits: merged vs adapted, vs base, vs reloaded).
    lora: Mapping[str, float] = field(default_factory=dict)
    # The hub commit the pretrained model was loaded at (None: a preset or a local folder).
    model_revision: str | None = None
