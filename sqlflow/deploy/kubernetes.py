"""Manifests for the Flink Kubernetes Operator: one session cluster, one session job per plan job.

``sqlflow deploy --target kubernetes --emit DIR`` writes a ``FlinkDeployment``
(a session cluster running the project's image) and a ``FlinkSessionJob``
per planned job. Each session job runs Flink's ``PythonDriver`` with
``-pym sqlflow.deploy.submit``: inside the cluster it plans the project
baked into the image and submits that one job, the same code path as the
other targets. The plan hash is in the job's arguments, so a changed job
changes its spec and the operator upgrades it through a savepoint
(``upgradeMode: savepoint``); an unchanged one is left alone. No secret value is
written into a manifest: the in-cluster runner substitutes ``${NAME}`` from the
pods' environment (a Kubernetes Secret), and any value that looks secret is
scrubbed from what is written.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import yaml

from sqlflow.deploy.flinkconf import GPU_CONFIG
from sqlflow.deploy.plan import Plan, build_plan
from sqlflow.config import TargetSettings
from sqlflow.scrub import scrub_data

log = logging.getLogger(__name__)

API_VERSION = "flink.apache.org/v1beta1"
FLINK_VERSION = "2.2.1"
PYTHON_JAR = (f"https://repo1.maven.org/maven2/org/apache/flink/flink-python/{FLINK_VERSION}/"
              f"flink-python-{FLINK_VERSION}.jar")
PROJECT_DIR = "/opt/sqlflow/project"
STATE_URI = "file:///opt/sqlflow/state"


def k8s_name(text: str) -> str:
    """A DNS-1123 name: lower case, digits and '-', at most 63 characters."""
    name = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return name[:63].rstrip("-") or "sqlflow"


def session_cluster(settings: TargetSettings, gpu: bool = True) -> dict[str, Any]:
    """The FlinkDeployment of the session cluster the jobs run on."""
    k8s = settings.kubernetes
    conf = {
        "taskmanager.numberOfTaskSlots": str(settings.slots),
        "parallelism.default": str(settings.parallelism),
        "state.savepoints.dir": f"{STATE_URI}/savepoints",
        "execution.checkpointing.dir": f"{STATE_URI}/checkpoints",
        "execution.checkpointing.interval": "30s",
        "python.executable": settings.python_executable,
        "python.client.executable": settings.python_executable,
    }
    conf.update({k: str(v) for k, v in settings.flink_config.items()})
    if gpu:
        conf.update(GPU_CONFIG)
    tm: dict[str, Any] = {
        "resource": {"memory": settings.taskmanager_memory, "cpu": 1.0},
        "replicas": settings.taskmanagers,
    }
    if gpu:
        tm["podTemplate"] = {"spec": {"containers": [{
            "name": "flink-main-container",
            "resources": {"limits": {"nvidia.com/gpu": 1}},
        }]}}
    return {
        "apiVersion": API_VERSION,
        "kind": "FlinkDeployment",
        "metadata": {"name": k8s_name(settings.project), "namespace": k8s.namespace,
                     "labels": {"app.kubernetes.io/part-of": k8s_name(settings.project)}},
        "spec": {
            "image": k8s.image,
            "flinkVersion": k8s.flink_version,
            "serviceAccount": "flink",
            "mode": "native",
            "flinkConfiguration": conf,
            "jobManager": {"resource": {"memory": settings.jobmanager_memory, "cpu": 1.0}},
            "taskManager": tm,
        },
    }


def session_job(settings: TargetSettings, plan: Plan, name: str) -> dict[str, Any]:
    """The FlinkSessionJob running one planned job through PythonDriver."""
    job = plan.job(name)
    k8s = settings.kubernetes
    return {
        "apiVersion": API_VERSION,
        "kind": "FlinkSessionJob",
        "metadata": {"name": k8s_name(job.name), "namespace": k8s.namespace,
                     "labels": {"app.kubernetes.io/part-of": k8s_name(settings.project)},
                     "annotations": {"sqlflow/job": job.name, "sqlflow/plan-hash": job.hash}},
        "spec": {
            "deploymentName": k8s_name(settings.project),
            "job": {
                "jarURI": PYTHON_JAR,
                "entryClass": "org.apache.flink.client.python.PythonDriver",
                "args": ["-pym", "sqlflow.deploy.submit", "--project", PROJECT_DIR, "--job", job.name,
                         "--hash", job.hash],
                "parallelism": settings.parallelism,
                "upgradeMode": "savepoint",
                "state": "running",
            },
        },
    }


def emit_manifests(settings: TargetSettings, out_dir: Path, plan: Plan | None = None) -> list[Path]:
    """Write the session cluster and one session job per plan job; the files written."""
    plan = plan or build_plan(settings)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    docs = [("flinkdeployment.yaml", session_cluster(settings))]
    docs += [(f"sessionjob-{k8s_name(j.name)}.yaml", session_job(settings, plan, j.name)) for j in plan.jobs]
    for fname, doc in docs:
        path = out_dir / fname
        clean = scrub_data(doc)  # a manifest is a file people commit: no secret value goes into it
        if clean != doc:
            log.warning("%s: secret values were replaced by ***** (give them to the cluster as a Kubernetes "
                        "Secret, not through sqlflow.yaml's flink: settings)", path)
        path.write_text(yaml.safe_dump(clean, sort_keys=False))
        written.append(path)
    return written
