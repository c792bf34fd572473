"""Kafka (JSON) -> Flink SQL with a Python UDF -> Kafka, on the real broker and mini-cluster."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sqlflow.compiler import compile_project
from sqlflow.config import load_config
from sqlflow.flink.env import stage_python_files
from sqlflow.flink.job import run_job
from sqlflow.testing import consume, produce_json

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parent.parent / "fixtures" / "foundation"


def test_kafka_udf_kafka_round_trip(kafka_broker, flink_cluster, tmp_path, monkeypatch):
    kafka_broker.create_topics(["words", "shouted"])
    words = ["hi", "flink", "kafka", "ünïcode", ""]
    produce_json(kafka_broker.bootstrap, "words", [{"id": i, "word": w} for i, w in enumerate(words)])
    monkeypatch.setenv("KAFKA_BOOTSTRAP", kafka_broker.bootstrap)
    config = load_config(PROJECT)
    files = stage_python_files(PROJECT, config.udfs_dir, config.models_dir, tmp_path / "pyfiles")

    shout = compile_project(config=config).job("sql/shout.sql")
    job_id = run_job(flink_cluster.table_env(python_files=[files]), shout)

    assert shout.name == "foundation.shout"
    assert flink_cluster.wait_for_job(job_id, timeout=180) == "FINISHED"
    names = {j["jid"]: j["name"] for j in flink_cluster.jobs()}
    assert names[job_id] == "foundation.shout"
    out = consume(kafka_broker.bootstrap, "shouted", expected=len(words))
    assert sorted(out, key=lambda r: r["id"]) == [
        {"id": i, "loud": w.upper() + "!"} for i, w in enumerate(words)
    ]


def test_dashboard_is_served(flink_cluster):
    import urllib.request

    with urllib.request.urlopen(flink_cluster.url + "/", timeout=10) as resp:
        html = resp.read().decode()
    assert "<title>Apache Flink Web Dashboard</title>" in html and "<flink-root>" in html
    overview = flink_cluster.rest("/overview")
    assert overview["flink-version"] == "2.2.1"
    assert overview["taskmanagers"] == 1
