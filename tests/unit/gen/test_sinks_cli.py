from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sqlflow.cli.gen import command
from sqlflow.cli.main import run
from sqlflow.gen import GenConfig, generate, iter_batches, write_files
from sqlflow.gen.schema import SOURCES
from sqlflow.gen.sinks import kafka_messages, source_path

CFG = GenConfig(rows=400, seed=4, broken_share=0.05, late_share=0.02)


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_files_hold_the_same_lines_and_truth(tmp_path: Path) -> None:
    summary = write_files(CFG, tmp_path, truth=True)
    ds = generate(CFG)
    assert {s: _read_lines(source_path(tmp_path, s)) for s in SOURCES} == ds.lines
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*SOURCES, "_truth"])
    assert source_path(tmp_path, "clicks_csv").name == "part-00000.csv"
    assert source_path(tmp_path, "clicks_json").name == "part-00000.jsonl"
    saved = json.loads((tmp_path / "_truth" / "summary.json").read_text())
    assert {k: v for k, v in saved.items() if k != "config"} == summary.to_dict() == ds.summary.to_dict()
    assert saved["config"]["rows"] == 400 and saved["config"]["seed"] == 4
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "_truth" / "delivered.parquet"), ds.truth.delivered)
    for name in ("impressions", "clicks", "suggestions", "outcomes"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "_truth" / f"{name}.parquet"),
                                      getattr(ds.truth, name))


def test_files_over_many_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlflow.gen import events

    monkeypatch.setattr(events, "CHUNK_ROWS", 53)
    write_files(CFG, tmp_path)
    ds = generate(CFG)
    assert {s: _read_lines(source_path(tmp_path, s)) for s in SOURCES} == ds.lines
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "_truth" / "delivered.parquet"), ds.truth.delivered)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "_truth" / "clicks.parquet"), ds.truth.clicks)


def test_files_without_truth(tmp_path: Path) -> None:
    write_files(CFG, tmp_path, truth=False)
    assert sorted(p.name for p in (tmp_path / "_truth").iterdir()) == ["summary.json"]


def test_kafka_messages_one_per_line() -> None:
    batches = list(iter_batches(CFG))
    msgs = [m for b in batches for m in kafka_messages(b, "demo.")]
    ds = generate(CFG)
    by_topic: dict[str, list[bytes]] = {}
    for topic, value in msgs:
        by_topic.setdefault(topic, []).append(value)
    assert by_topic == {f"demo.{s}": [x.encode() for x in lines] for s, lines in ds.lines.items() if lines}


def test_cli_writes_and_prints_the_summary(tmp_path: Path) -> None:
    res = CliRunner().invoke(command, ["--out", str(tmp_path), "--rows", "400", "--seed", "4",
                                       "--broken-share", "0.05", "--late-share", "0.02"])
    assert res.exit_code == 0, res.output
    summary = generate(CFG).summary
    assert res.output == f"wrote {tmp_path}: seed 4, 400 impressions\n{summary.to_text()}\n"
    assert _read_lines(source_path(tmp_path, "users")) == generate(CFG).lines["users"]


def test_cli_json_summary(tmp_path: Path) -> None:
    res = CliRunner().invoke(command, ["--out", str(tmp_path), "--rows", "400", "--seed", "4",
                                       "--broken-share", "0.05", "--late-share", "0.02", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == generate(CFG).summary.to_dict()


def test_summary_text_lists_sources_and_reasons() -> None:
    text = generate(CFG).summary.to_text().splitlines()
    assert text[0].split() == ["source", "records", "broken", "dups", "late"]
    assert [line.split()[0] for line in text[1:9]] == list(SOURCES)
    assert text[9].startswith("broken by reason: ")


@pytest.mark.parametrize("argv, message", [
    (["gen", "--rows", "10"], "error: give exactly one of --out DIR or --kafka BOOTSTRAP"),
    (["gen", "--out", "x", "--kafka", "h:1"], "error: give exactly one of --out DIR or --kafka BOOTSTRAP"),
    (["gen", "--out", "x", "--rows", "0"], "error: generator: rows must be at least 1, got 0"),
])
def test_cli_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as ex:
        run(argv)
    assert ex.value.code == 1
    assert capsys.readouterr().err.strip() == message


def test_cli_describe_prints_every_source() -> None:
    from sqlflow.gen.schema import describe

    res = CliRunner().invoke(command, ["--describe"])
    assert res.exit_code == 0 and res.output == describe() + "\n"
    heads = [line.split(" ")[1] for line in res.output.splitlines() if line.startswith("-- ") and ", topic " in line]
    assert heads == list(SOURCES)
    for schema in SOURCES.values():
        for f in schema.fields:
            assert f"  `{f.name}` {f.flink_type}" in res.output and f"-- {f.meaning}" in res.output


def test_kafka_unreachable_is_a_service_error() -> None:
    import socket

    from sqlflow.errors import ServiceError
    from sqlflow.gen import write_kafka

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ServiceError) as err:
        write_kafka(CFG, f"127.0.0.1:{port}", producer_config={"bootstrap_timeout_ms": 500})
    assert err.value.message == f"cannot reach Kafka at 127.0.0.1:{port}: no broker answered within 0.5 s"
    assert (err.value.rule, err.value.hint) == ("kafka", "is the broker running? (sqlflow up)")
