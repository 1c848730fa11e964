from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from codemill.domain.baselines import defined_name, name_as_summary, split_identifier
from codemill.domain.errors import InputError
from codemill.domain.pipeline import STEPS, StepRecord, check_run_id, new_run_id, select_steps


def test_run_ids_are_utc_time_and_config_hash() -> None:
    local = datetime(2026, 11, 22, 7, 15, 0, tzinfo=timezone(timedelta(hours=2)))
    run_id = new_run_id(local, "1a2b3c4d5e6f")
    assert run_id == "20261122T051500Z-1a2b3c4d"
    assert check_run_id(run_id) == run_id
    for bad in ("../x", "20261122T051500Z", "20261122T051500Z-XYZ12345", ""):
        with pytest.raises(InputError, match="not a pipeline run id"):
            check_run_id(bad)
    assert new_run_id(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "f" * 64).startswith(
        "20260102T030405Z-ffffffff"
    )


def test_select_steps_keeps_pipeline_order_and_the_enabled_ones() -> None:
    assert select_steps() == STEPS
    assert select_steps(["validate", "collect"]) == ("collect", "validate")
    assert select_steps(from_step="train") == ("train", "distill", "validate")
    assert select_steps(from_step="train", enabled=("collect", "dataset", "train", "validate")) == (
        "train",
        "validate",
    )
    with pytest.raises(InputError, match="unknown step 'trian'"):
        select_steps(["trian"])
    with pytest.raises(InputError, match="either --steps or --from-step"):
        select_steps(["train"], "train")
    with pytest.raises(InputError, match="names no step"):
        select_steps([])


def test_step_records_round_trip_and_refuse_malformed_data() -> None:
    record = StepRecord(
        step="train",
        input_hash="ab",
        output="models/teacher",
        output_manifest_sha256="c" * 64,
        seconds=1.5,
        finished_at="2026-11-22T05:15:00+00:00",
        summary={"metrics": {"bleu4": 9.1}},
    )
    assert StepRecord.from_dict(record.to_dict()) == record
    with pytest.raises(InputError, match="malformed"):
        StepRecord.from_dict({"step": "train"})


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("get_user_name", ["get", "user", "name"]),
        ("getUserName", ["get", "user", "name"]),
        ("XMLHttpRequest", ["xml", "http", "request"]),
        ("parse_HTTPResponse2", ["parse", "http", "response", "2"]),
        ("__init__", ["init"]),
        ("", []),
    ],
)
def test_split_identifier(name: str, words: list[str]) -> None:
    assert split_identifier(name) == words


def test_the_summary_baseline_reads_the_defined_name_in_several_languages() -> None:
    assert name_as_summary("async def fetch_all(urls):\n    ...") == "fetch all"
    assert name_as_summary("class HTTPServer(socketserver.TCPServer):\n    pass") == "http server"
    assert name_as_summary("function parseQueryString(qs) { return 1 }") == "parse query string"
    assert name_as_summary("func (s *Server) ListenAndServe() error {") == "listen and serve"
    assert name_as_summary("fn read_to_end(&mut self) -> usize {") == "read to end"
    assert name_as_summary("public static int computeSum(int a, int b) {") == "compute sum"
    assert defined_name("x = 1") == ""
