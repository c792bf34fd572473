from __future__ import annotations

import copy
import functools
from pathlib import Path

import jsonschema
import pytest
import yaml

from sqlflow.deploy.kubernetes import PYTHON_JAR, emit_manifests
from sqlflow.config import resolve_settings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "k8s"


def _strict(schema):
    """The CRD's OpenAPI schema, with unknown fields rejected where the CRD lists the fields."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node \
                    and not node.get("x-kubernetes-preserve-unknown-fields"):
                node["additionalProperties"] = False
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    schema.pop("additionalProperties", None)  # apiVersion, kind, metadata are Kubernetes' own
    return schema


@functools.lru_cache(maxsize=None)
def _validator(kind_file: str, version: str = "v1beta1") -> jsonschema.Draft202012Validator:
    """A validator for one CRD version (the fixture is large: parse it once)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    crd = yaml.load((FIXTURES / kind_file).read_text(), Loader=loader)
    (ver,) = [v for v in crd["spec"]["versions"] if v["name"] == version]
    schema = _strict(ver["schema"]["openAPIV3Schema"])
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture
def manifests(project, tmp_path):
    settings = resolve_settings(project, target="kubernetes")
    paths = emit_manifests(settings, tmp_path / "k8s")
    return {p.name: yaml.safe_load(p.read_text()) for p in paths}


def test_emits_a_session_cluster_and_one_session_job_per_plan_job(manifests):
    assert sorted(manifests) == ["flinkdeployment.yaml", "sessionjob-demo-copy.yaml",
                                 "sessionjob-demo-feedback-counts.yaml"]
    job = manifests["sessionjob-demo-feedback-counts.yaml"]
    assert job["spec"]["deploymentName"] == manifests["flinkdeployment.yaml"]["metadata"]["name"] == "demo"
    assert job["spec"]["job"] == {
        "jarURI": PYTHON_JAR,
        "entryClass": "org.apache.flink.client.python.PythonDriver",
        "args": ["-pym", "sqlflow.deploy.submit", "--project", "/opt/sqlflow/project",
                 "--job", "demo.feedback.counts", "--hash", job["metadata"]["annotations"]["sqlflow/plan-hash"]],
        "parallelism": 1,
        "upgradeMode": "savepoint",
        "state": "running",
    }


def test_manifests_validate_against_the_operator_crds(manifests):
    _validator("flinkdeployments.flink.apache.org-v1.yml").validate(manifests["flinkdeployment.yaml"])
    for name, doc in manifests.items():
        if name.startswith("sessionjob-"):
            _validator("flinksessionjobs.flink.apache.org-v1.yml").validate(doc)


def test_the_strict_schema_catches_a_misspelt_field(manifests):
    bad = copy.deepcopy(manifests["flinkdeployment.yaml"])
    bad["spec"]["taskManager"]["replica"] = 2
    with pytest.raises(jsonschema.ValidationError) as err:
        _validator("flinkdeployments.flink.apache.org-v1.yml").validate(bad)
    assert err.value.message == "Additional properties are not allowed ('replica' was unexpected)"
    bad = copy.deepcopy(manifests["flinkdeployment.yaml"])
    bad["spec"]["flinkVersion"] = "v9_9"
    with pytest.raises(jsonschema.ValidationError):
        _validator("flinkdeployments.flink.apache.org-v1.yml").validate(bad)


def test_gpu_is_requested_for_task_managers(manifests):
    spec = manifests["flinkdeployment.yaml"]["spec"]
    assert spec["taskManager"]["podTemplate"]["spec"]["containers"] == [
        {"name": "flink-main-container", "resources": {"limits": {"nvidia.com/gpu": 1}}}]
    assert spec["flinkConfiguration"]["external-resources"] == "gpu"
    assert spec["flinkVersion"] == "v2_2"


def test_the_in_cluster_runner_plans_the_one_job_it_is_given(project):
    from sqlflow.deploy.submit import _in_cluster

    spec = _in_cluster(["--project", str(project), "--job", "demo.feedback.counts", "--hash", "x"])
    ship = project / ".sqlflow" / "kubernetes" / "ship" / "demo.feedback.counts"
    assert (spec["name"], spec["sys_path"]) == ("demo.feedback.counts", [str(ship)])
    assert spec["config"] == {
        "table.exec.mini-batch.enabled": "false",
        "pipeline.name": "demo.feedback.counts",
        "parallelism.default": "1",
        "python.executable": "/usr/local/bin/python",
        "python.files": str(ship),
    }
    assert [s["kind"] for s in spec["statements"]] == ["ddl", "ddl", "insert"]
