"""Deploy a Kafka → Python UDF → Kafka job to a real standalone cluster and a real KRaft broker.

The job file is the foundation fixture's; checks what only a separate cluster shows: the Kafka connector jar and the
UDF package travel with the job (the cluster has neither preinstalled).
"""

from __future__ import annotations

import json
import shutil
import socket
import time
from dataclasses import replace
from pathlib import Path

import pytest

from sqlflow.config import resolve_settings
from sqlflow.deploy.local import start_local_cluster, stop_local_cluster
from sqlflow.flink.rest import FlinkRest
from sqlflow.deploy.steps import deploy

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "foundation"
WORDS = [{"id": i, "word": w} for i, w in enumerate(["flink", "kafka", "sql", "onnx", "gpu"], 1)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_kafka_job_with_udf_runs_on_a_standalone_cluster(tmp_path):
    from kafka import KafkaConsumer, KafkaProducer

    from sqlflow.jars import ensure_jars
    from sqlflow.kafka.broker import KafkaBroker

    ensure_jars(quiet=True)
    root = tmp_path / "project"
    shutil.copytree(FIXTURE / "sql", root / "sql")
    (root / "udfs").mkdir()
    (root / "udfs" / "__init__.py").write_text("")
    (root / "udfs" / "text.py").write_text(
        "from sqlflow.udf import udf\n\n\n"
        "@udf(args=['STRING'], result='STRING')\n"
        "def shout(s):\n"
        "    return s.str.upper() + '!'\n")
    with KafkaBroker() as broker:
        (root / "sqlflow.yaml").write_text(
            f"name: kt\ntarget: local\nkafka:\n  bootstrap: {broker.bootstrap}\ntargets:\n  local:\n"
            f"    rest_port: {_free_port()}\n    slots: 2\n    taskmanager_memory: 1536m\n")
        broker.create_topics(["words", "shouted"])
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap,
                                 value_serializer=lambda v: json.dumps(v).encode())
        for row in WORDS:
            producer.send("words", row)
        producer.flush()
        producer.close()
        settings = replace(resolve_settings(root, target="local"), rpc_port=_free_port())
        try:
            start_local_cluster(settings)
            result = deploy(settings, echo=lambda s: None, settle=2)
            jid = result.jobs["kt.shout"]
            assert FlinkRest(settings.rest_url).wait_state(jid, {"FINISHED", "FAILED"}, timeout=120) == "FINISHED"
            consumer = KafkaConsumer("shouted", bootstrap_servers=broker.bootstrap, auto_offset_reset="earliest",
                                     consumer_timeout_ms=5000, value_deserializer=lambda v: json.loads(v))
            got = sorted((m.value for m in consumer), key=lambda r: r["id"])
            consumer.close()
        finally:
            stop_local_cluster(settings)
    assert got == [{"id": r["id"], "loud": r["word"].upper() + "!"} for r in WORDS]
    ship = settings.state_dir / "ship" / "kt.shout"
    assert sorted(p.relative_to(ship).as_posix() for p in ship.rglob("*.py")) == ["udfs/__init__.py", "udfs/text.py"]
