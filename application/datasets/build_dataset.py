"""BuildDataset: task datasets from a corpus or a user's file, with leakage-free splits."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from codemill.application.datasets.balancing import downsample_majority
from codemill.application.datasets.card import render_card
from codemill.application.datasets.decontamination import (
    assert_no_exact_overlap,
    overlap_report,
)
from codemill.application.datasets.sample_builders import build_samples, samples_from_rows
from codemill.application.datasets.split_figures import (
    label_counts,
    label_names_of,
    length_plots,
    split_overlaps,
    token_lengths,
)
from codemill.application.datasets.splitting import split_samples
from codemill.application.datasets.summary import (
    DatasetSource,
    DatasetSummary,
    TokenizerInfo,
)
from codemill.application.publishing.hashing import config_hash
from codemill.application.publishing.name_claims import NameClaim, NameClaims
from codemill.domain.corpus import UnitRecord
from codemill.domain.dataset import Sample, SplitConfig, TaskSpec, TaskType
from codemill.domain.errors import InputError
from codemill.domain.manifest import Manifest
from codemill.domain.ports.code_structure import CodeStructure
from codemill.domain.ports.corpus_repository import CorpusRepository
from codemill.domain.ports.dataset_repository import DatasetBundle, DatasetRepository
from codemill.domain.ports.deduplicator import Deduplicator
from codemill.domain.ports.plotter import Plotter
from codemill.domain.ports.progress import NullProgress, ProgressReporter
from codemill.domain.ports.tabular_reader import TabularReader
from codemill.domain.ports.tokenizers import TextTokenizer, TokenizerProvider
from codemill.domain.training import HASHED_WHEN_SET, NOT_HASHED


@dataclass(frozen=True, kw_only=True)
class UserFile:
    """A user's own labelled file (JSONL, CSV or Parquet) and its columns."""

    location: str
    code_column: str = "code"
    label_column: str | None = None
    target_column: str | None = None


@dataclass(frozen=True, kw_only=True)
class BuildDatasetRequest:
    name: str
    task: TaskSpec
    corpus: str | None = None
    user_file: UserFile | None = None
    split: SplitConfig = field(default_factory=SplitConfig)
    tokenizer: str | None = None  # None: train a byte-level BPE on the train split
    # the hub commit or tag of a hub `tokenizer`; None loads it unpinned
    tokenizer_revision: str | None = field(default=None, metadata=HASHED_WHEN_SET)
    overwrite: bool = field(default=False, metadata=NOT_HASHED)  # replace a published dataset of this name
    vocab_size: int = 8000
    max_input_length: int = 512
    max_target_length: int = 64
    max_samples: int | None = None


@dataclass(frozen=True, kw_only=True)
class BuildDatasetResult:
    name: str
    manifest: Manifest
    stats: DatasetSummary


class BuildDataset:
    """Turn a collected corpus (or a user's labelled file) into a task dataset.

    - Every unit or row is either a sample (a test gives one per assertion)
      or counted under a skip reason.
    - Splits are group-aware: one source file (or repository) and one
      near-duplicate cluster never straddle two splits; the exact overlap of
      validation and test with train is checked and must be 0; near overlaps
      are counted and reported.
    - Every bad input (missing columns, no samples, a single class, a ratio
      that leaves a split empty) stops with one line before anything is written.
    - The dataset is published with its tokenizer, label map, stats and card;
      its manifest is written last.
    """

    def __init__(
        self,
        *,
        corpora: CorpusRepository,
        datasets: DatasetRepository,
        tokenizers: TokenizerProvider,
        reader: TabularReader,
        dedup_factory: Callable[[], Deduplicator],
        plotter: Plotter,
        code_structure: CodeStructure,
        claims: NameClaims,
        progress: ProgressReporter | None = None,
    ) -> None:
        self._claims = claims
        self._corpora = corpora
        self._code_structure = code_structure
        self._datasets = datasets
        self._tokenizers = tokenizers
        self._reader = reader
        self._dedup_factory = dedup_factory
        self._plotter = plotter
        self._progress = progress or NullProgress()

    def execute(self, request: BuildDatasetRequest) -> BuildDatasetResult:
        _validate(request)
        what = f"dataset '{request.name}'"
        with self._claims.held(f"datasets/{request.name}", what=what, overwrite=request.overwrite) as claim:
            return self._build(request, claim)

    def _build(self, request: BuildDatasetRequest, claim: NameClaim) -> BuildDatasetResult:
        started = time.perf_counter()
        samples, skipped, source = self._load(request)
        splits = split_samples(samples, request.split, stratify=_stratified(request.task))
        splits["train"], dropped = self._balance(request, splits["train"])
        label_names = label_names_of(request.task, samples)
        overlap = overlap_report(splits, near=self._dedup_factory())
        assert_no_exact_overlap(overlap)
        tokenizer = self._tokenizer(request, splits["train"])
        summary = DatasetSummary(
            task=request.task,
            source=source,
            samples=len(samples),
            skipped=dict(sorted(skipped.items())),
            balance_dropped=dropped,
            splits={name: len(part) for name, part in splits.items()},
            labels=label_counts(splits),
            decontamination=split_overlaps(overlap),
            tokenizer=TokenizerInfo(
                name=tokenizer.name, vocab_size=tokenizer.vocab_size, revision=tokenizer.revision
            ),
            tokens=token_lengths(tokenizer, splits, request.max_input_length, request.max_target_length),
            seconds=round(time.perf_counter() - started, 3),
        )
        manifest = self._publish(request, splits, label_names, tokenizer, summary, claim)
        return BuildDatasetResult(name=request.name, manifest=manifest, stats=summary)

    def _publish(
        self,
        request: BuildDatasetRequest,
        splits: Mapping[str, Sequence[Sample]],
        label_names: tuple[str, ...],
        tokenizer: TextTokenizer,
        summary: DatasetSummary,
        claim: NameClaim,
    ) -> Manifest:
        plots = length_plots(
            self._plotter, tokenizer, splits["train"], request.max_input_length, request.max_target_length
        )
        bundle = DatasetBundle(
            task=request.task,
            label_names=label_names,
            tokenizer_files=tokenizer.files(),
            stats=summary.to_dict(),
            card=render_card(request.name, summary, sorted(plots)),
            plots=plots,
            source_manifest_sha256=summary.source.manifest_sha256,
            config_hash=config_hash(request),
            lineage=claim.lineage(),
        )
        return self._datasets.publish(request.name, splits, bundle)

    def _load(self, request: BuildDatasetRequest) -> tuple[list[Sample], Counter[str], DatasetSource]:
        if request.corpus is not None:
            manifest = self._corpora.manifest(request.corpus)
            samples, skipped = build_samples(
                _CorpusRecords(self._corpora, request.corpus),
                request.task,
                group_by=request.split.group_by,
                scanned_languages=self._scanned_languages(request),
                code_structure=self._code_structure,
            )
            digest = manifest.digest()
            source = DatasetSource(corpus=request.corpus, manifest_sha256=digest)
        else:
            assert request.user_file is not None  # nosec B101  # an invariant for the type checker, not a security check
            samples, skipped = self._user_samples(request.task, request.user_file)
            source = DatasetSource(
                file=request.user_file.location,
                manifest_sha256=self._reader.fingerprint(request.user_file.location),
            )
        samples = _cap(samples, request.max_samples, request.split.seed)
        if not samples:
            reasons = ", ".join(f"{k}={v}" for k, v in skipped.most_common()) or "the source is empty"
            raise InputError(f"no samples for task {request.task.task}: every unit was skipped ({reasons})")
        return samples, skipped, source

    def _scanned_languages(self, request: BuildDatasetRequest) -> list[str] | None:
        """Security labels are only meaningful where the scanner ran."""
        if request.task.task is not TaskType.SECURITY or request.corpus is None:
            return None
        scanned = self._corpora.stats(request.corpus).get("security", {}).get("scanned_languages")
        if not scanned:
            raise InputError(
                f"corpus {request.corpus!r} has no security scan results (collected with --no-security, "
                "or no Python code): collect it again with the scan on"
            )
        return list(scanned)

    def _user_samples(self, task: TaskSpec, user: UserFile) -> tuple[list[Sample], Counter[str]]:
        wanted = [user.code_column] + [c for c in (user.label_column, user.target_column) if c]
        available = self._reader.columns(user.location)
        missing = [c for c in wanted if c not in available]
        if missing:
            raise InputError(
                f"{user.location} has no column {', '.join(missing)}; its columns are {', '.join(available)}"
            )
        if task.task is TaskType.GENERATION and not user.target_column:
            raise InputError("a generation dataset from a file needs --target-column")
        if task.task is not TaskType.GENERATION and not user.label_column:
            raise InputError(f"a {task.task} dataset from a file needs --label-column")
        rows = self._reader.rows(user.location, wanted)
        return samples_from_rows(
            rows,
            task,
            code_column=user.code_column,
            label_column=user.label_column,
            target_column=user.target_column,
        )

    def _balance(self, request: BuildDatasetRequest, samples: list[Sample]) -> tuple[list[Sample], int]:
        """Down-sample the majority class of the train split only; evaluation keeps the real mix."""
        if request.task.balance is None or request.task.task is not TaskType.SECURITY:
            return samples, 0
        if request.task.effective_subtask != "binary":
            raise InputError("--balance applies to the binary security task only")
        return downsample_majority(samples, request.task.balance, request.split.seed)

    def _tokenizer(self, request: BuildDatasetRequest, train: Sequence[Sample]) -> TextTokenizer:
        if request.tokenizer:
            return self._tokenizers.pretrained(request.tokenizer, request.tokenizer_revision)
        if request.tokenizer_revision is not None:
            raise InputError("a tokenizer revision pins a hub tokenizer: pass --tokenizer NAME with it")
        texts = [s.text for s in train] + [s.target for s in train if s.target]
        return self._tokenizers.train(texts, vocab_size=request.vocab_size)


class _CorpusRecords:
    """A corpus's records, read again from the start on each iteration (assertions read them twice)."""

    def __init__(self, corpora: CorpusRepository, name: str) -> None:
        self._corpora = corpora
        self._name = name

    def __iter__(self) -> Iterator[UnitRecord]:
        return self._corpora.iter_records(self._name)


def _validate(request: BuildDatasetRequest) -> None:
    if (request.corpus is None) == (request.user_file is None):
        raise InputError("give exactly one source: a corpus name or a data file")
    if request.vocab_size < 300:
        raise InputError(f"vocab size must be at least 300 (256 bytes + specials), got {request.vocab_size}")
    if request.max_input_length < 8 or request.max_target_length < 2:
        raise InputError("max input length must be >= 8 and max target length >= 2 tokens")


def _stratified(task: TaskSpec) -> bool:
    return task.task is TaskType.CLASSIFICATION or (
        task.task is TaskType.SECURITY and task.effective_subtask == "binary"
    )


def _cap(samples: list[Sample], limit: int | None, seed: int) -> list[Sample]:
    if limit is None or len(samples) <= limit:
        return samples
    keep = sorted(random.Random(seed).sample(range(len(samples)), limit))  # nosec B311  # seeded random for reproducible sampling, not cryptography
    return [samples[i] for i in keep]
