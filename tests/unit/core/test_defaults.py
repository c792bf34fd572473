"""sqlflow's default Flink configuration: one place, three layers (defaults, project, job)."""

from __future__ import annotations

import pytest

from sqlflow import defaults
from sqlflow.config import resolve_settings
from sqlflow.deploy.flinkconf import cluster_config
from sqlflow.flink.submit import flink_config
from sqlflow.errors import ConfigError


def test_streaming_jobs_checkpoint_and_the_project_then_the_job_override():
    conf = defaults.job_config({"execution.checkpointing.interval": "5 s", "a": "project"},
                               {"a": "job", "b": "job"})
    assert conf == {**defaults.STREAMING, "execution.checkpointing.interval": "5 s", "a": "job", "b": "job"}
    assert defaults.job_config()["execution.checkpointing.interval"] == "2 s"


def test_batch_jobs_get_the_batch_defaults_and_no_checkpoints():
    conf = defaults.job_config({}, {"execution.runtime-mode": "BATCH"})
    assert conf == {**defaults.BATCH, "execution.runtime-mode": "BATCH"}
    assert defaults.CHECKPOINT_INTERVAL not in conf
    assert defaults.job_config(batch=True) == dict(defaults.BATCH)


def test_defaults_cannot_be_changed_by_accident():
    with pytest.raises(TypeError):
        defaults.STREAMING["execution.checkpointing.interval"] = "1 h"  # type: ignore[index]


@pytest.mark.parametrize("text, ms", [("2 s", 2000), ("500ms", 500), ("1 min", 60_000), ("0", 0), ("3h", 10_800_000)])
def test_durations(text, ms):
    assert defaults.duration_ms(text) == ms


def test_a_bad_duration_is_a_config_error():
    with pytest.raises(ConfigError) as err:
        defaults.duration_ms("soon")
    assert (err.value.message, err.value.hint) == ("'soon' is not a duration",
                                                   "write a number and a unit: '2 s', '500 ms', '1 min'")


@pytest.mark.parametrize("conf, off", [({}, False), ({"execution.checkpointing.interval": "0"}, True),
                                       ({"execution.checkpointing.interval": "0 s"}, True),
                                       ({"execution.checkpointing.interval": "10 s"}, False),
                                       ({"execution.checkpointing.interval": "often"}, False)])
def test_checkpointing_off_only_for_an_interval_of_zero(conf, off):
    assert defaults.checkpointing_off(conf) is off


def test_a_submitted_job_gets_the_defaults_under_its_own_settings():
    spec = {"config": {"pipeline.name": "p.j", "execution.checkpointing.interval": "7 s"}}
    assert flink_config(spec) == {**defaults.STREAMING, "pipeline.name": "p.j",
                                  "execution.checkpointing.interval": "7 s"}
    batch = {"config": {"execution.runtime-mode": "batch"}}
    assert flink_config(batch) == {**defaults.BATCH, "execution.runtime-mode": "batch"}


def test_the_cluster_takes_the_failure_detection_defaults_and_the_project_wins(tmp_path):
    (tmp_path / "sqlflow.yaml").write_text("name: c\nflink:\n  heartbeat.timeout: 9 s\n")
    conf = cluster_config(resolve_settings(tmp_path, target="local"))
    assert {k: conf[k] for k in defaults.CLUSTER} == {**defaults.CLUSTER, "heartbeat.timeout": "9 s"}
    assert conf["execution.checkpointing.interval"] == defaults.STREAMING["execution.checkpointing.interval"]


def test_doctests():
    import doctest

    import sqlflow.compiler.delivery

    assert doctest.testmod(defaults).failed == 0
    assert doctest.testmod(sqlflow.compiler.delivery).failed == 0


@pytest.mark.parametrize("batch", [False, True])
def test_model_and_udf_calls_are_batched_by_default_and_a_job_set_wins(batch):
    conf = defaults.job_config(batch=batch)
    assert (conf[defaults.OBJECT_REUSE], conf[defaults.ARROW_BATCH], conf[defaults.BUNDLE_SIZE]) == (
        "true", "10000", "100000")
    assert (defaults.BUNDLE_TIME in conf) is not batch  # a batch job's bundles close when they are full
    own = defaults.job_config({}, {defaults.ARROW_BATCH: "500", defaults.OBJECT_REUSE: "false"}, batch=batch)
    assert (own[defaults.ARROW_BATCH], own[defaults.OBJECT_REUSE]) == ("500", "false")
