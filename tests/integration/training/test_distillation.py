"""Distillation on real tiny models: every loss, the cached teacher outputs, the checks, accumulation."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path

import pytest
import torch

from codemill.domain.dataset import TaskSpec
from codemill.domain.distillation import DistillationConfig
from codemill.domain.errors import InputError
from codemill.domain.ports.model_trainer import DistillationJob, TrainingJob
from codemill.domain.ports.progress import NullProgress
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore
from codemill.infrastructure.tokenizers.bpe_tokenizer_provider import HfTokenizerProvider
from codemill.infrastructure.training.distillation import logits_table
from codemill.infrastructure.training.distillation.losses import js_divergence, kl_divergence
from codemill.infrastructure.training.distillation.setup import prepare_distilling_run
from codemill.infrastructure.training.distillation.step_log import DISTILL_LOG, StepLog, model_parts
from codemill.infrastructure.training.distillation.storage_teacher_cache import StorageTeacherCache
from codemill.infrastructure.training.encoding import load_tokenizer
from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer
from codemill.infrastructure.training.model_needs import ModelNeeds
from codemill.infrastructure.training.model_presets import load_model
from codemill.infrastructure.training.run_flags import RunFlags
from tests.integration.training.training_data import (
    CLASSIFICATION,
    GENERATION,
    LANGUAGE_WORDS,
    MULTI_LABEL,
    language_samples,
    training_job,
    write_dataset,
)

ALL_LOSSES = {
    "ce": 0.2,
    "kl": 0.2,
    "jsd": 0.2,
    "focal": 0.2,
    "hidden": 0.2,
    "semantic": 0.1,
    "contrastive": 0.1,
}
KINDS = {"classification": CLASSIFICATION, "generation": GENERATION, "multi_label": MULTI_LABEL}


def _teacher(dataset_dir: Path, task: TaskSpec, folder: Path, preset: str = "small", **shape: int) -> Path:
    """An untrained preset (or a custom shape) saved with the dataset's tokenizer, as an exported model."""
    if folder.exists():
        return folder
    tokenizer = load_tokenizer(str(dataset_dir))
    labels = tuple(json.loads((dataset_dir / "label_map.json").read_text())["labels"])
    kind = "seq2seq" if task is GENERATION else ("multi_label" if task is MULTI_LABEL else "single_label")
    needs = ModelNeeds(kind=kind, vocab_size=len(tokenizer), label_names=labels, max_input_length=64)
    torch.manual_seed(0)
    model = load_model(preset, needs)
    if shape:
        for key, value in shape.items():
            setattr(model.config, key, value)
        model = type(model)(model.config)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder


def _job(dataset_dir: Path, task: TaskSpec, out: Path, teacher: Path, student: str = "tiny", **options):
    config = DistillationConfig(**{"weights": {"ce": 0.5, "kl": 0.5}, "use_cache": False, **options})
    job = training_job(dataset_dir, task, out, model=student, batch_size=4, max_steps=2)
    cache = str(out / "cache") if config.use_cache else None
    return dataclasses.replace(
        job, distillation=DistillationJob(teacher_dir=str(teacher), config=config, cache_dir=cache)
    )


def _trainer(job: TrainingJob):
    run, distillation = prepare_distilling_run(job)
    return HfModelTrainer()._trainer(job, run, RunFlags(), NullProgress(), distillation)


def _first_batch(trainer, size: int | None = None):
    rows = trainer.train_dataset
    batch = trainer.data_collator([rows[index] for index in range(size or 4)])
    return trainer._prepare_inputs(batch)


@pytest.fixture(scope="module")
def datasets(classification_dir: Path, generation_dir: Path, multi_label_dir: Path) -> dict[str, Path]:
    return {
        "classification": classification_dir,
        "generation": generation_dir,
        "multi_label": multi_label_dir,
    }


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_loss_is_finite_with_gradients_and_a_projection(kind, datasets, tmp_path_factory) -> None:
    folder = datasets[kind]
    teacher = _teacher(folder, KINDS[kind], tmp_path_factory.mktemp("t") / "small")
    trainer = _trainer(_job(folder, KINDS[kind], tmp_path_factory.mktemp("run"), teacher, weights=ALL_LOSSES))
    model = trainer.model
    model.train()
    loss = trainer.compute_loss(model, _first_batch(trainer))
    loss.backward()
    assert set(trainer.last_components) == set(ALL_LOSSES)
    assert all(
        torch.isfinite(torch.tensor(value)) and value >= 0 for value in trainer.last_components.values()
    )
    assert torch.isfinite(loss)
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert any(g is not None and g.abs().sum() > 0 for g in grads)
    projection = trainer.distillation.projection
    assert projection is not None and projection.weight.grad is not None  # tiny (64) -> small (256)
    assert any(projection.weight is p for g in trainer.create_optimizer().param_groups for p in g["params"])


@pytest.mark.parametrize("loss", ["semantic", "contrastive"])
@pytest.mark.parametrize("kind", ["classification", "generation"])
def test_pooled_losses_reach_the_student_and_their_own_projection(loss, kind, datasets, tmp_path) -> None:
    folder = datasets[kind]
    teacher = _teacher(folder, KINDS[kind], tmp_path / "small")
    trainer = _trainer(_job(folder, KINDS[kind], tmp_path / "run", teacher, weights={loss: 1.0}))
    assert trainer.distillation.config.needs_online_teacher and trainer.table is None
    model = trainer.model
    model.train()
    loss_value = trainer.compute_loss(model, _first_batch(trainer))
    loss_value.backward()
    assert set(trainer.last_components) == {loss} and trainer.last_components[loss] > 0
    for part, parameters in model_parts(model).items():  # encoder and decoder (or head)
        norm = sum(float(p.grad.abs().sum()) for p in parameters if p.grad is not None)
        assert norm > 0 or part == "head", part  # a classifier's head is not on the pooled path
    assert set(trainer.distillation.projections) == {loss}  # tiny (64) -> small (256), its own
    projection = trainer.distillation.projections[loss]
    assert projection.weight.grad is not None and projection.weight.grad.abs().sum() > 0
    assert any(projection.weight is p for g in trainer.create_optimizer().param_groups for p in g["params"])


def test_kl_jsd_and_semantic_are_zero_when_the_student_is_the_teacher(datasets, tmp_path: Path) -> None:
    folder = datasets["generation"]
    teacher = _teacher(folder, GENERATION, tmp_path / "teacher", preset="tiny")
    logits = torch.randn(2, 5, 11)
    assert kl_divergence(logits, logits, 3.0).abs().max() < 1e-6
    assert js_divergence(logits, logits, 3.0).abs().max() < 1e-6
    weights = {"kl": 0.4, "jsd": 0.4, "semantic": 0.2}
    online = _trainer(
        _job(folder, GENERATION, tmp_path / "online", teacher, student=str(teacher), weights=weights)
    )
    online.model.eval()  # no dropout: the same function as the teacher
    online.model.training = True  # ... but the training loss
    online.compute_loss(online.model, _first_batch(online))
    assert online.distillation.projections == {}  # as wide as the teacher: no projection (the identity)
    assert online.last_components == pytest.approx({"kl": 0.0, "jsd": 0.0, "semantic": 0.0}, abs=1e-5)


def test_the_cache_round_trips_through_storage_and_is_reused(datasets, tmp_path: Path, monkeypatch) -> None:
    folder = datasets["generation"]
    teacher = _teacher(folder, GENERATION, tmp_path / "teacher", preset="tiny")
    job = _job(folder, GENERATION, tmp_path / "first", teacher, use_cache=True, top_k=4)
    trainer = _trainer(job)
    table = trainer.table
    assert table.values.dtype == "float16" and table.indices.dtype == "int32" and table.values.shape[1] == 4
    assert table.samples == len(trainer.train_dataset)

    store = LocalArtifactStore(root=tmp_path / "store")
    cache = StorageTeacherCache(store)
    key = "ab" * 32
    cache.publish(key, job.distillation.cache_dir, {"teacher": "t"})
    assert any(k.startswith(f"distill-cache/{key}/") and k.endswith("values.npy") for k in store.list())
    fetched = tmp_path / "fetched"
    assert cache.fetch(key, str(fetched)) and not cache.fetch("cd" * 32, str(tmp_path / "miss"))

    def no_teacher_run(*args, **kwargs):
        raise AssertionError("the teacher outputs were computed again")

    monkeypatch.setattr(
        "codemill.infrastructure.training.distillation.distilling_trainer.compute_table", no_teacher_run
    )
    again = dataclasses.replace(
        job,
        distillation=dataclasses.replace(job.distillation, cache_dir=str(fetched)),
        output_dir=str(tmp_path / "b"),
    )
    reused = _trainer(again)
    assert (reused.table.values == table.values).all() and (reused.table.offsets == table.offsets).all()
    batch = _first_batch(reused)
    dense = reused.table.dense(batch["sample_index"], batch["labels"].shape[1], torch.device("cpu"))
    assert dense.shape == (4, batch["labels"].shape[1], reused.distillation.width)
    real = batch["labels"] != -100
    assert ((dense > logits_table.NOT_CACHED).sum(-1)[real] == 4).all()
    with torch.no_grad():  # the cached rows are the batch's own samples: the teacher's top 4 at each position
        online = reused.distillation.teacher(**{k: v for k, v in batch.items() if k != "sample_index"}).logits
    top = online.topk(4, dim=-1)
    assert torch.allclose(dense.gather(-1, top.indices)[real], top.values[real], atol=1e-2, rtol=1e-3)


def test_a_teacher_with_another_vocabulary_is_refused(datasets, tmp_path: Path) -> None:
    splits = {
        "train": language_samples(60, 9),
        "validation": language_samples(9, 8),
        "test": language_samples(9, 7),
    }
    texts = [sample.text for sample in splits["train"]]
    smaller = HfTokenizerProvider().train(texts, vocab_size=300, min_frequency=1).files()
    other = write_dataset(tmp_path / "other", CLASSIFICATION, splits, sorted(LANGUAGE_WORDS), smaller)
    other_teacher = _teacher(other, CLASSIFICATION, tmp_path / "teacher", preset="tiny")
    job = _job(datasets["classification"], CLASSIFICATION, tmp_path / "run", other_teacher)
    with pytest.raises(InputError, match="must share one vocabulary"):
        _trainer(job)


def test_a_teacher_of_another_task_is_refused(datasets, tmp_path: Path) -> None:
    classifier = _teacher(datasets["classification"], CLASSIFICATION, tmp_path / "classifier", preset="tiny")
    with pytest.raises(InputError, match="the teacher classifies, but the dataset is a seq2seq task"):
        _trainer(_job(datasets["generation"], GENERATION, tmp_path / "run", classifier))
    risks = _teacher(datasets["multi_label"], MULTI_LABEL, tmp_path / "risks", preset="tiny")
    with pytest.raises(InputError, match="predicts the labels"):
        _trainer(_job(datasets["classification"], CLASSIFICATION, tmp_path / "run2", risks))


def test_init_from_teacher_copies_every_other_layer(datasets, tmp_path: Path) -> None:
    folder = datasets["classification"]
    teacher_dir = _teacher(folder, CLASSIFICATION, tmp_path / "deep", preset="tiny", num_hidden_layers=4)
    trainer = _trainer(
        _job(folder, CLASSIFICATION, tmp_path / "run", teacher_dir, student="half", init_from_teacher=True)
    )
    student, teacher = trainer.model, trainer.distillation.teacher
    assert student.config.num_hidden_layers == 2
    for ours, theirs in ((0, 0), (1, 2)):
        mine = student.roberta.encoder.layer[ours].attention.self.query.weight
        assert torch.equal(
            mine.cpu(), teacher.roberta.encoder.layer[theirs].attention.self.query.weight.cpu()
        )
    assert torch.equal(student.classifier.out_proj.weight.cpu(), teacher.classifier.out_proj.weight.cpu())

    wide = _teacher(folder, CLASSIFICATION, tmp_path / "wide", preset="small")
    with pytest.raises(InputError, match="use a student as wide as the teacher"):
        _trainer(
            _job(folder, CLASSIFICATION, tmp_path / "run2", wide, student="tiny", init_from_teacher=True)
        )


def test_accumulating_two_batches_of_four_gives_the_gradient_of_one_batch_of_eight(
    datasets, tmp_path
) -> None:
    folder = datasets["generation"]
    teacher = _teacher(folder, GENERATION, tmp_path / "teacher", preset="tiny")
    trainer = _trainer(
        _job(folder, GENERATION, tmp_path / "run", teacher, weights={"ce": 0.4, "kl": 0.3, "semantic": 0.3})
    )
    model = trainer.model
    model.config.dropout_rate = 0.0
    for module in model.modules():  # no dropout: both ways must see the same function
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
        if isinstance(getattr(module, "dropout", None), float):
            module.dropout = 0.0
    rows = sorted(trainer.train_dataset, key=lambda row: len(row["labels"]))
    chosen = rows[:4] + rows[-4:]  # the shortest and the longest targets: the halves pad differently
    halves = [trainer._prepare_inputs(trainer.data_collator(part)) for part in (chosen[:4], chosen[4:])]
    counts = [int((half["labels"] != -100).sum()) for half in halves]
    assert counts[0] != counts[1]
    full = trainer._prepare_inputs(trainer.data_collator(chosen))
    items = torch.tensor(sum(counts))

    def gradient(batches, steps):
        model.zero_grad()
        trainer.current_gradient_accumulation_steps = steps
        for batch in batches:
            trainer.training_step(model, dict(batch), items)
        return torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None])

    assert torch.allclose(gradient(halves, 2), gradient([full], 1), atol=1e-6, rtol=1e-4)
    # A per-sample component is divided by the samples of the step's micro-batches, counted as they come.
    batches, _ = trainer.get_batch_samples(iter(halves), 2, torch.device("cpu"))
    assert len(batches) == 2 and trainer._window_samples == 8


def test_a_distilling_run_logs_each_component_and_the_schedule(datasets, tmp_path: Path) -> None:
    folder = datasets["classification"]
    teacher = _teacher(folder, CLASSIFICATION, tmp_path / "teacher", preset="tiny")
    job = _job(folder, CLASSIFICATION, tmp_path / "run", teacher, use_cache=True, schedule="hard-to-soft")
    job = dataclasses.replace(job, config=dataclasses.replace(job.config, max_steps=4, logging_steps=2))
    outcome = HfModelTrainer().train(job, NullProgress())
    logged = [entry for entry in outcome.history if "loss" in entry]
    assert logged[0]["distill_weight_ce"] > logged[-1]["distill_weight_ce"]
    assert logged[-1]["distill_kl_weighted"] == pytest.approx(
        logged[-1]["distill_kl"] * logged[-1]["distill_weight_kl"], rel=0.2
    )
    assert outcome.best_model_dir is not None and "accuracy" in outcome.metrics
    assert (Path(job.distillation.cache_dir) / "table.json").is_file()


def test_a_distilling_run_writes_one_csv_row_per_optimizer_step(datasets, tmp_path: Path) -> None:
    folder = datasets["classification"]
    teacher = _teacher(folder, CLASSIFICATION, tmp_path / "teacher", preset="small")
    job = _job(folder, CLASSIFICATION, tmp_path / "run", teacher)
    options = dataclasses.replace(job.distillation.config, preset="trident")  # focal, jsd, semantic
    config = dataclasses.replace(job.config, max_steps=4, gradient_accumulation=2, logging_steps=2)
    job = dataclasses.replace(
        job, config=config, distillation=dataclasses.replace(job.distillation, config=options)
    )
    outcome = HfModelTrainer().train(job, NullProgress())
    assert outcome.run_files == (DISTILL_LOG,)
    with (tmp_path / "run" / DISTILL_LOG).open(encoding="utf-8", newline="") as log_file:
        rows = list(csv.DictReader(log_file))
    per_component = [
        f"{name}_{what}" for name in ("jsd", "focal", "semantic") for what in ("raw", "weighted", "weight")
    ]
    assert list(rows[0]) == ["step", "epoch", "loss", *per_component, "grad_norm_encoder", "grad_norm_head"]
    assert [int(row["step"]) for row in rows] == [1, 2, 3, 4]
    for row in rows:
        values = {key: float(value) for key, value in row.items()}
        assert all(math.isfinite(value) for value in values.values())
        assert values["grad_norm_encoder"] > 0 and values["grad_norm_head"] > 0
        weighted = sum(values[f"{name}_weighted"] for name in ("jsd", "focal", "semantic"))
        assert values["loss"] == pytest.approx(weighted)
        assert values["semantic_weighted"] == pytest.approx(
            values["semantic_raw"] * values["semantic_weight"]
        )
    semantic = [float(row["semantic_weight"]) for row in rows]
    assert semantic[0] == pytest.approx(0.1) and semantic == sorted(semantic) and semantic[-1] < 0.35


def test_a_resumed_run_keeps_the_log_rows_up_to_its_step(tmp_path: Path) -> None:
    from transformers import TrainerControl, TrainerState

    path = tmp_path / DISTILL_LOG
    log = StepLog(str(path), ["ce"], ["encoder", "head"], writes=True)
    header = ",".join(log.columns)
    path.write_text(header + "\n" + "".join(f"{step},0.1,1,1,1,1,1,1\n" for step in (1, 2, 3, 4)))
    log.on_train_begin(None, TrainerState(global_step=2), TrainerControl())
    assert [line.split(",")[0] for line in path.read_text().splitlines()] == ["step", "1", "2"]
    log.on_train_begin(None, TrainerState(global_step=0), TrainerControl())  # a fresh run: the header only
    assert path.read_text() == header + "\n"
