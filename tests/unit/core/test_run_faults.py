"""Run faults told clearly: a Kafka broker that does not answer (before submitting), a UDF or model that
fails when it opens (from the exception text Flink records)."""

from __future__ import annotations

import socket
import time
from dataclasses import replace
from pathlib import Path

import pytest

from sqlflow.compiler import compile_project
from sqlflow.config import load_config
from sqlflow.errors import ServiceError
from sqlflow.flink.preflight import check_kafka, kafka_endpoints, unreachable
from sqlflow.flink.pyerrors import python_failure
from sqlflow.flink.session import EmbeddedSession
from sqlflow.ports import free_port

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
KAFKA_JOB = """CREATE TABLE events (id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'events',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
  'properties.group.id' = 'g',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);
CREATE TABLE shown (id BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO shown SELECT id FROM events;
"""


@pytest.fixture
def kafka_project(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "kp"
    (root / "sql").mkdir(parents=True)
    (root / "sqlflow.yaml").write_text("name: kp\n")
    (root / "sql" / "job.sql").write_text(KAFKA_JOB)
    monkeypatch.delenv("SQLFLOW_KAFKA_CHECK", raising=False)
    return root


def test_a_kafka_broker_that_does_not_answer_is_named_within_seconds(kafka_project, monkeypatch):
    port = free_port()  # nothing listens there
    monkeypatch.setenv("KAFKA_BOOTSTRAP", f"127.0.0.1:{port}")
    job = compile_project(kafka_project).jobs[0]
    assert [(e.servers, e.table, e.location.line) for e in kafka_endpoints(job.session)] == [
        (f"127.0.0.1:{port}", "events", 4)]
    started = time.monotonic()
    with pytest.raises(ServiceError) as err:
        check_kafka(job.session, job.name)
    assert time.monotonic() - started < 3
    assert err.value.render().splitlines() == [
        f"sql/job.sql:4:3: error[kafka-unreachable]: no Kafka broker answers at 127.0.0.1:{port} (connection "
        "refused: nothing listens there); job kp.job reads or writes it through table 'events'",
        "   4 |   'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',",
        "     |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "  = help: start one (sqlflow up --kafka-only starts a broker on targets.local.kafka_port), or point the "
        "table at a running broker: ${KAFKA_BOOTSTRAP} comes from the KAFKA_BOOTSTRAP environment variable or "
        "kafka.bootstrap in sqlflow.yaml (SQLFLOW_KAFKA_CHECK=0 skips this check)"]


def test_the_run_stops_before_submitting_and_the_check_can_be_switched_off(kafka_project, monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP", f"127.0.0.1:{free_port()}")
    config = load_config(kafka_project)
    job = compile_project(config=config).jobs[0]
    session = EmbeddedSession(config=config, cluster=None)  # no cluster: the check comes first
    with pytest.raises(ServiceError) as err:
        session.submit(job)
    assert err.value.rule == "kafka-unreachable"
    session = EmbeddedSession(config=replace(config, kafka=replace(config.kafka, check=False)), cluster=None)
    with pytest.raises(AttributeError):  # past the check, on to the (missing) cluster
        session.submit(job)


def test_any_answering_server_of_the_list_will_do(monkeypatch):
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        assert unreachable(f"127.0.0.1:{free_port()},127.0.0.1:{port}") is None
    assert unreachable("no-such-host.invalid:9092") == "the host name no-such-host.invalid does not resolve"
    assert unreachable("SASL_SSL://127.0.0.1:1") == "connection refused: nothing listens there"


UDF_JOB = """CREATE TABLE src (k BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');
CREATE TABLE snk (k BIGINT) WITH ('connector' = 'blackhole');
CREATE TEMPORARY FUNCTION explode AS 'udfs.bad.explode' LANGUAGE PYTHON;
INSERT INTO snk SELECT explode(k) FROM src;
"""

BAD_UDF = '''from pyflink.table.udf import ScalarFunction, udf as flink_udf


class Exploding(ScalarFunction):
    def open(self, function_context):
        """Load the lookup table."""
        raise ValueError("the lookup table /data/labels.csv is missing")

    def eval(self, s):
        return s


explode = flink_udf(Exploding(), input_types=["BIGINT"], result_type="BIGINT", func_type="general", name="explode")
'''


def test_a_udf_raising_in_open_is_its_own_error_at_its_line(tmp_path):
    root = tmp_path / "project"
    (root / "sql").mkdir(parents=True)
    (root / "udfs").mkdir()
    (root / "udfs" / "__init__.py").write_text("")
    (root / "udfs" / "bad.py").write_text(BAD_UDF)
    (root / "sqlflow.yaml").write_text("name: uo\n")
    (root / "sql" / "job.sql").write_text(UDF_JOB)
    job = compile_project(root).jobs[0]
    trace = (FIXTURES / "flink" / "udf_open_failure.txt").read_text()  # what Flink recorded for this job
    failure = python_failure(trace, job.session, root)
    assert (failure.message, failure.phase, str(failure.location)) == (
        "UDF explode failed in open(): ValueError: the lookup table /data/labels.csv is missing", "open()",
        "udfs/bad.py:7:9")
    assert failure.location.source_line() == '        raise ValueError("the lookup table /data/labels.csv is missing")'
    assert python_failure("org.apache.flink.runtime.JobException: no Python here", job.session, root) is None


def test_a_model_whose_file_the_cluster_lacks_is_named_at_its_create_model(tmp_path):
    root = tmp_path / "project"
    (root / "sql").mkdir(parents=True)
    (root / "models").mkdir()
    shutil_copy = (FIXTURES / "projects" / "good" / "models" / "ctr.onnx").read_bytes()
    (root / "models" / "ctr.onnx").write_bytes(shutil_copy)
    (root / "sqlflow.yaml").write_text("name: mm\n")
    (root / "sql" / "job.sql").write_text(
        "CREATE TABLE feats (id BIGINT, f1 FLOAT, f2 FLOAT, f3 FLOAT, f4 FLOAT) WITH ('connector' = 'datagen');\n"
        "CREATE TABLE scored (id BIGINT, probability FLOAT) WITH ('connector' = 'blackhole');\n"
        "CREATE MODEL ctr\nINPUT (f1 FLOAT, f2 FLOAT, f3 FLOAT, f4 FLOAT)\nOUTPUT (probability FLOAT)\n"
        "WITH ('provider' = 'onnx', 'path' = 'models/ctr.onnx');\n"
        "INSERT INTO scored SELECT id, probability FROM ML_PREDICT(TABLE feats, MODEL ctr, DESCRIPTOR(f1, f2, f3, f4));\n")
    job = compile_project(root).jobs[0]
    trace = (  # the worker's traceback when the shipped folder lacks the model (sqlflow's runtime raises)
        "Caused by: java.lang.RuntimeException: Error received from SDK harness for instruction 1: "
        "Traceback (most recent call last):\n"
        '  File "/opt/venv/lib/python3.11/site-packages/pyflink/fn_execution/table/operations.py", line 107, in open\n'
        "    user_defined_func.open(FunctionContext(self.base_metric_group, self.job_parameters))\n"
        '  File "/opt/sqlflow/sqlflow/udf/function.py", line 92, in open\n'
        "    path = self.resolve_model()\n"
        "           ^^^^^^^^^^^^^^^^^^^^\n"
        '  File "/opt/sqlflow/sqlflow/udf/function.py", line 143, in resolve_model\n'
        "    raise self._error(\n"
        "sqlflow.errors.ModelError: UDF __ml_ctr: model file 'models/ctr.onnx' not found (looked at "
        "/tmp/tm/models/ctr.onnx)\n\n\tat org.apache.beam.Foo(Foo.java:1)\n")
    failure = python_failure(trace, job.session, root)
    assert (failure.message, str(failure.location)) == (
        "model 'ctr' failed in open(): model file 'models/ctr.onnx' not found (looked at /tmp/tm/models/ctr.onnx)",
        "sql/job.sql:3:14")
