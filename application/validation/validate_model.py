"""ValidateModel: is a model folder (local or in storage) fit to ship? Six checks, a report, a verdict."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from codemill.application.validation.calibration import CalibrationOutcome, calibrate
from codemill.application.validation.checks import (
    SMOKE_TEXTS,
    DatasetInput,
    dataset_input,
    guarded,
    inference_check,
    integrity_check,
    load_check,
    performance_check,
    quality_check,
    scored_split,
    skipped,
)
from codemill.application.validation.publishing import Placement, ReportPublisher, report_files
from codemill.application.validation.report import report_payload
from codemill.domain.code_metrics import syntax_scoring
from codemill.domain.errors import IntegrityError
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.ports.dataset_repository import DatasetRepository
from codemill.domain.ports.model_inspector import LoadedModel, ModelInspector
from codemill.domain.ports.model_resolver import ModelResolver, ResolvedModel
from codemill.domain.ports.plotter import Plotter
from codemill.domain.ports.syntax_checker import SyntaxChecker
from codemill.domain.registry import RegistryReference, is_registry_reference
from codemill.domain.registry_layout import validation_prefix
from codemill.domain.validation import (
    CHECKS,
    QUICK_CHECKS,
    CheckResult,
    SplitPredictions,
    failure_lines,
    passed,
)

log = logging.getLogger("codemill.validate")


@dataclass(frozen=True, kw_only=True)
class ValidateRequest:
    model: str  # registry:NAME@ALIAS, registry:NAME/VERSION, a model name in storage (models/NAME/), a folder
    dataset: str | None = None
    quick: bool = False  # integrity, load and inference only
    minimums: Mapping[str, float] = field(default_factory=dict)  # metric -> bound ('ece', 'loss': maximum)
    max_latency_ms: float | None = None  # bound on the p95 latency at batch 1
    min_throughput: float | None = None  # samples per second at `batch_size`
    allow_pickle: bool = False
    device: str = "auto"
    batch_size: int = 8
    report_dir: str | None = None  # local folder for the report files (default: a local model's folder)


Source = Literal["local", "storage", "registry"]


@dataclass(frozen=True, kw_only=True)
class ValidationReport:
    model: str  # a registry version as registry:NAME/VERSION, else the model's name
    source: Source
    checks: tuple[CheckResult, ...]
    passed: bool
    failures: tuple[str, ...]  # 'check: reason', one per failed check
    stored: tuple[str, ...]  # where the report went: local paths and storage keys
    calibration: str | None  # where calibration.json went, when one was fitted
    elapsed_s: float


@dataclass(frozen=True, kw_only=True)
class _Model:
    name: str
    source: Source
    folder: str | None
    problem: str = ""  # why the stored model could not be fetched
    resolved: ResolvedModel | None = None


class ValidateModel:
    """Answer whether a model is fit to ship, with a report and a verdict.

    - Checks, in order: integrity, load, inference, performance, quality,
      calibration; `quick` runs the first three and skips the others.
    - Quality scores the task's metrics; when the dataset's target is code
      ('assertion', 'body') it adds ast_validity (through the SyntaxChecker)
      and ngram_similarity.
    - Each check catches its own errors into a 'fail' with a one-line reason;
      checks that need a loaded model are skipped when loading failed.
    - The model passes when no check failed; `failures` names each failed one.
    - The model is whatever the ModelResolver makes of the reference: a
      registry version (`registry:NAME@ALIAS`, `registry:NAME/VERSION`), a
      model published in storage (it wins over a same-named folder), or a
      local folder; a stored model that fails its manifest is a failed
      integrity check, not an error.
    - A stored model's calibration.json is added to `models/NAME/` (every
      other file kept, manifest last), then its report goes to
      `validations/NAME/` (manifest last, kind 'validation', naming the
      model's manifest hash); a registry version is immutable: its report,
      calibration.json included, goes to `registry/NAME/validations/N/`; a
      local model's report and calibration.json go into its folder (the
      report into `report_dir` when given).
    """

    def __init__(
        self,
        *,
        inspector: ModelInspector,
        datasets: DatasetRepository,
        models: ModelResolver,
        store: ArtifactStore,
        plotter: Plotter,
        folder_store: Callable[[str], ArtifactStore],
        syntax_checker: SyntaxChecker,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._inspector = inspector
        self._syntax_checker = syntax_checker
        self._datasets = datasets
        self._models = models
        self._plotter = plotter
        self._publisher = ReportPublisher(store, folder_store)
        self._clock = clock

    def execute(self, request: ValidateRequest) -> ValidationReport:
        started = self._clock()
        model = self._resolve(request.model)
        checks, calibration = self._checks(request, model)
        elapsed = self._clock() - started
        payload = report_payload(
            model=model.name, source=model.source, dataset=request.dataset, checks=checks, elapsed_s=elapsed
        )
        placement = self._place(model, request.report_dir, report_files(payload, calibration), payload)
        for line in failure_lines(checks):
            log.info("failed: %s", line)
        return ValidationReport(
            model=model.name,
            source=model.source,
            checks=checks,
            passed=passed(checks),
            failures=failure_lines(checks),
            stored=placement.stored,
            calibration=placement.calibration,
            elapsed_s=elapsed,
        )

    def _resolve(self, reference: str) -> _Model:
        try:
            resolved = self._models.resolve(reference)
        except IntegrityError as exc:  # a stored model or version that does not match its manifest
            source: Source = "registry" if is_registry_reference(reference) else "storage"
            return _Model(name=reference, source=source, folder=None, problem=str(exc))
        source = resolved.origin or ("registry" if resolved.version is not None else "local")
        name = resolved.name
        if source == "registry":
            name = str(RegistryReference(name=resolved.name, version=resolved.version))
        return _Model(name=name, source=source, folder=resolved.folder, resolved=resolved)

    def _place(
        self, model: _Model, report_dir: str | None, files: dict[str, bytes], payload: Mapping[str, Any]
    ) -> Placement:
        if model.source == "local" and model.folder is not None:
            return self._publisher.local(model.folder, report_dir, files)
        resolved = model.resolved
        metadata = {"model": model.name, "dataset": payload["dataset"], "passed": payload["passed"]}
        if model.source == "registry":
            if resolved is None or resolved.version is None:  # the version could not be read
                return self._publisher.report_only(report_dir, files)
            prefix = validation_prefix(resolved.name, resolved.version)
            return self._publisher.registry_version(prefix, report_dir, files, metadata)
        fingerprint = resolved.fingerprint if resolved is not None else ""
        return self._publisher.stored(model.name, report_dir, files, metadata, fingerprint)

    def _checks(
        self, request: ValidateRequest, model: _Model
    ) -> tuple[tuple[CheckResult, ...], CalibrationOutcome | None]:
        if model.folder is None:
            failed = CheckResult(name="integrity", status="fail", details=model.problem)
            return (failed, *(skipped(n, "the model could not be fetched") for n in CHECKS[1:])), None
        folder = model.folder
        integrity = guarded(
            "integrity",
            lambda: integrity_check(self._inspector.check_files(folder, allow_pickle=request.allow_pickle)),
        )
        loaded: list[LoadedModel] = []

        def load() -> CheckResult:
            loaded.append(
                self._inspector.load(folder, allow_pickle=request.allow_pickle, device=request.device)
            )
            return load_check(loaded[0])

        results = [integrity, guarded("load", load)]
        if not loaded or results[1].status == "fail":
            reason = (
                "the model did not load" if not loaded else "the model does not fit its tokenizer or labels"
            )
            return (*results, *(skipped(n, reason) for n in CHECKS[2:])), None
        return self._model_checks(request, loaded[0], results)

    def _model_checks(
        self, request: ValidateRequest, model: LoadedModel, results: list[CheckResult]
    ) -> tuple[tuple[CheckResult, ...], CalibrationOutcome | None]:
        results.append(guarded("inference", lambda: inference_check(model, SMOKE_TEXTS)))
        if request.quick:
            return (*results, *(skipped(n, "quick mode") for n in CHECKS[len(QUICK_CHECKS) :])), None
        results.append(
            guarded(
                "performance",
                lambda: performance_check(
                    model,
                    SMOKE_TEXTS,
                    batch_size=request.batch_size,
                    max_latency_ms=request.max_latency_ms,
                    min_throughput=request.min_throughput,
                ),
            )
        )
        if request.dataset is None:
            reason = "no dataset given (--dataset)"
            return (*results, skipped("quality", reason), skipped("calibration", reason)), None
        scored: list[tuple[DatasetInput, SplitPredictions]] = []

        def quality() -> CheckResult:
            dataset = dataset_input(self._datasets, str(request.dataset))
            scored.append((dataset, scored_split(model, dataset)))
            syntax = syntax_scoring(dataset.spec, self._syntax_checker)
            return quality_check(scored[0][1], request.minimums, syntax)

        results.append(guarded("quality", quality))
        outcome = self._calibration(request, model, scored[0] if scored else None)
        return (*results, outcome.check), outcome

    def _calibration(
        self,
        request: ValidateRequest,
        model: LoadedModel,
        scored: tuple[DatasetInput, SplitPredictions] | None,
    ) -> CalibrationOutcome:
        if scored is None:
            return CalibrationOutcome(check=skipped("calibration", "the dataset could not be scored"))
        if model.kind != "single_label":
            return CalibrationOutcome(
                check=skipped("calibration", f"applies to single-label classifiers, not {model.kind}")
            )
        dataset, test = scored
        fitted: list[CalibrationOutcome] = []

        def run() -> CheckResult:
            fitted.append(calibrate(model, dataset.folder, test, self._plotter, request.minimums))
            return fitted[0].check

        check = guarded("calibration", run)
        return fitted[0] if fitted else CalibrationOutcome(check=check)
