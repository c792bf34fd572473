from __future__ import annotations

import pytest

from sqlflow.config import load_config
from sqlflow.deploy.local import as_settings
from sqlflow.config import resolve_settings
from sqlflow.errors import ConfigError


def test_local_target_from_the_file(project):
    s = resolve_settings(project, target="local")
    assert (s.project, s.target, s.kind, s.rest_url, s.rest_port, s.state_dir) == (
        "demo", "local", "local", "http://localhost:18999", 18999, project / ".sqlflow" / "local")
    assert s.savepoint_dir == project / ".sqlflow" / "local" / "savepoints"


def test_environment_overrides_the_file(project, monkeypatch):
    monkeypatch.setenv("SQLFLOW_TARGET", "remote")
    monkeypatch.setenv("SQLFLOW_REST_URL", "http://flink.internal:8081/")
    s = resolve_settings(project)
    assert (s.target, s.rest_url, s.state_dir.name) == ("remote", "http://flink.internal:8081", "remote")
    # a flag wins over the environment
    assert resolve_settings(project, target="remote", rest_url="http://other:9000").rest_url == "http://other:9000"


def test_unknown_target_suggests(project):
    with pytest.raises(ConfigError) as err:
        resolve_settings(project, target="locl")
    assert (err.value.message, err.value.hint) == ("unknown target 'locl'", "did you mean 'local'?")


def test_kubernetes_target_reaches_the_session_cluster_service(project):
    s = resolve_settings(project, target="kubernetes")
    assert (s.rest_url, s.python_executable) == ("http://demo-rest.default:8081", "/usr/local/bin/python")


def test_the_local_cluster_accepts_the_project_config(project):
    cfg = load_config(project)
    assert as_settings(cfg) == resolve_settings(project, target="local")
    assert as_settings(project) == resolve_settings(project, target="local")
