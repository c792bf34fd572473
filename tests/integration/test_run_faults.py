"""``sqlflow run`` faults on the real mini-cluster: a Kafka broker that does not answer (named within
seconds, instead of Flink's "Timed out waiting for a node assignment" after about 70 s), and a UDF that
raises in ``open()`` (its name, its Python error, its line; not a Java stack trace)."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest

from sqlflow.cli.main import run
from sqlflow.compiler import compile_project
from sqlflow.config import load_config
from sqlflow.errors import JobError
from sqlflow.flink.cluster import EmbeddedCluster
from sqlflow.flink.session import EmbeddedSession
from sqlflow.ports import free_port

GOOD_MODEL = Path(__file__).resolve().parents[1] / "fixtures" / "projects" / "good" / "models" / "ctr.onnx"

pytestmark = pytest.mark.integration

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


def _project(tmp_path: Path, name: str, job: str) -> Path:
    root = tmp_path / name
    (root / "sql").mkdir(parents=True)
    (root / "sqlflow.yaml").write_text(f"name: {name}\ntargets:\n  embedded: {{rest_port: 0}}\n")
    (root / "sql" / "job.sql").write_text(job)
    return root


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        run(argv)
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def test_run_names_a_kafka_broker_that_does_not_answer_within_seconds(tmp_path, capsys, monkeypatch):
    root = _project(tmp_path, "kf", KAFKA_JOB)
    port = free_port()
    monkeypatch.setenv("KAFKA_BOOTSTRAP", f"127.0.0.1:{port}")
    monkeypatch.delenv("SQLFLOW_KAFKA_CHECK", raising=False)
    monkeypatch.chdir(root)
    started = time.monotonic()
    code, out, err = _run(["run", "sql/job.sql", "--timeout", "120"], capsys)
    seconds = time.monotonic() - started
    assert code == 1
    assert not out.startswith("started")  # nothing was submitted
    assert err.splitlines()[:3] == [
        f"sql/job.sql:4:3: error[kafka-unreachable]: no Kafka broker answers at 127.0.0.1:{port} (connection "
        "refused: nothing listens there); job kf.job reads or writes it through table 'events'",
        "   4 |   'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',",
        "     |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"]
    assert seconds < 45, f"took {seconds:.1f} s"  # the mini-cluster's start, then the check: seconds
    print(f"kafka-unreachable reported after {seconds:.1f} s")


def test_run_names_a_udf_that_raises_in_open(tmp_path, capsys, monkeypatch):
    root = _project(tmp_path, "uo", UDF_JOB)
    (root / "udfs").mkdir()
    (root / "udfs" / "__init__.py").write_text("")
    (root / "udfs" / "bad.py").write_text(BAD_UDF)
    monkeypatch.chdir(root)
    # sqlflow sees no signature of a ScalarFunction class (validate says unknown-function): run it unchecked
    code, _, err = _run(["run", "sql/job.sql", "--timeout", "120", "--no-validate"], capsys)
    assert code == 1
    # the job restarts after each failure (sqlflow's streaming defaults); the run stops after a few
    # it counts the failures Flink recorded when it looked: 3, or more when a restart came between two looks
    assert re.fullmatch(r"  = note: it failed [3-9] times: Flink's restart strategy started it again after "
                        r"each failure, and the run stops here", err.splitlines()[-1])
    assert err.splitlines()[-4:-1] == [
        "udfs/bad.py:7:9: error[udf-failed]: job uo.job failed: UDF explode failed in open(): ValueError: the "
        "lookup table /data/labels.csv is missing",
        '   7 |         raise ValueError("the lookup table /data/labels.csv is missing")',
        "     |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"]
    assert "Caused by" not in err and "at org.apache" not in err


MODEL_JOB = """CREATE TABLE feats (id BIGINT, f1 FLOAT, f2 FLOAT, f3 FLOAT, f4 FLOAT) WITH (
  'connector' = 'datagen', 'number-of-rows' = '50');
CREATE TABLE scored (id BIGINT, probability FLOAT) WITH ('connector' = 'blackhole');

CREATE MODEL gone
INPUT (f1 FLOAT, f2 FLOAT, f3 FLOAT, f4 FLOAT)
OUTPUT (probability FLOAT)
WITH ('provider' = 'onnx', 'path' = 'models/ctr_gone.onnx', 'runtime' = 'python');

INSERT INTO scored
SELECT id, probability FROM ML_PREDICT(TABLE feats, MODEL gone, DESCRIPTOR(f1, f2, f3, f4));
"""


def test_a_model_file_the_shipped_folder_lacks_is_named_at_its_create_model(tmp_path):
    # its own mini-cluster and a model file name of its own: nothing an earlier test left behind (a job
    # holding slots, a Python worker that loaded a model of that name) can stand in for the missing file
    gone = f"ctr_gone_{uuid.uuid4().hex[:8]}.onnx"
    root = _project(tmp_path, "mg", MODEL_JOB.replace("ctr_gone.onnx", gone))
    (root / "models").mkdir()
    (root / "models" / gone).write_bytes(GOOD_MODEL.read_bytes())
    config = load_config(root)
    compiled = compile_project(config=config)
    assert compiled.ok, [d.render() for d in compiled.errors]
    cluster = EmbeddedCluster(rest_port=0, slots=2, parallelism=1)
    cluster.start()
    try:
        session = EmbeddedSession(config=config, cluster=cluster)
        staged = session.python_files(compiled.jobs[0])
        # the file is gone from the folder shipped with the job (and from the project) once the job runs
        (staged / "models" / gone).unlink()
        (root / "models" / gone).unlink()
        session.submit(compiled.jobs[0], streaming=False)
        with pytest.raises(JobError) as err:
            print("states at the end:", session.wait(timeout=180))
    finally:
        cluster.close()
    text = err.value.render()
    assert text.splitlines()[:3] == [
        "sql/job.sql:5:14: error[udf-failed]: job mg.job failed: model 'gone' failed in open(): model file "
        f"'models/{gone}' not found (looked at " + text.split("(looked at ", 1)[1].splitlines()[0],
        "   5 | CREATE MODEL gone",
        "     |              ^^^^"]
    assert "Caused by" not in text
