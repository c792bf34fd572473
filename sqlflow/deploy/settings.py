"""Where a deployment goes: the target's settings, from sqlflow.yaml, env and flags.

One frozen :class:`DeploySettings` holds everything the deploy steps need;
it is built from the project's config (``sqlflow.config.load_config``) and
then overridden by environment variables (``SQLFLOW_TARGET``,
``SQLFLOW_REST_URL``) and command-line flags, in that order.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from sqlflow.config import load_config
from sqlflow.errors import ConfigError, did_you_mean

TARGET_KINDS = ("embedded", "local", "remote", "kubernetes")



@dataclass(frozen=True)
class DeploySettings:
    """The resolved settings of one target."""

    project: str
    root: Path
    target: str  # the target's name in sqlflow.yaml
    kind: str  # embedded | local | remote | kubernetes
    rest_url: str
    state_dir: Path
    rest_port: int = 8081
    rpc_port: int = 6123
    taskmanagers: int = 1
    slots: int = 4
    parallelism: int = 1
    jobmanager_memory: str = "1024m"
    taskmanager_memory: str = "1728m"
    python_executable: str = sys.executable
    kafka_bootstrap: str | None = None
    flink_config: Mapping[str, str] = field(default_factory=dict)
    vars: Mapping[str, str] = field(default_factory=dict)
    requirements: tuple[str, ...] = ()

    @property
    def dashboard_url(self) -> str:
        return self.rest_url.rstrip("/")

    @property
    def savepoint_dir(self) -> Path:
        return self.state_dir / "savepoints"


def resolve_settings(
    root: Path | None = None,
    target: str | None = None,
    rest_url: str | None = None,
    config: Any = None,
) -> DeploySettings:
    """The settings of ``target`` (flag, else $SQLFLOW_TARGET, else sqlflow.yaml's ``target``)."""
    cfg = config if config is not None else load_config(
        root, overrides={"SQLFLOW_TARGET": target, "SQLFLOW_REST_URL": rest_url})
    name = target or cfg.target
    if name not in TARGET_KINDS:
        near = did_you_mean(name, TARGET_KINDS)
        raise ConfigError(f"unknown target {name!r}", rule="unknown-target",
                          hint=f"did you mean {near!r}?" if near else f"targets: {', '.join(TARGET_KINDS)}")
    local = cfg.local
    common = dict(
        project=cfg.name,
        root=Path(cfg.root),
        target=name,
        kind=name,
        state_dir=Path(cfg.state_path) / name,
        rest_port=local.rest_port,
        rpc_port=int(getattr(local, "rpc_port", 6123)),
        taskmanagers=local.taskmanagers,
        slots=local.slots,
        parallelism=local.parallelism,
        jobmanager_memory=local.jobmanager_memory,
        taskmanager_memory=local.taskmanager_memory,
        python_executable=sys.executable,
        kafka_bootstrap=cfg.kafka_bootstrap,
        flink_config=dict(cfg.flink),
        vars=dict(cfg.vars),
        requirements=tuple(cfg.requirements),
    )
    if name == "local":
        url = f"http://localhost:{local.rest_port}"
    elif name == "embedded":
        url = f"http://localhost:{cfg.embedded.rest_port}"
        common.update(rest_port=cfg.embedded.rest_port, parallelism=cfg.embedded.parallelism)
    elif name == "remote":
        url = rest_url or cfg.remote.rest_url
        common.update(parallelism=cfg.remote.parallelism)
    else:  # kubernetes: the session cluster's REST service, inside the cluster
        k8s = cfg.kubernetes
        url = rest_url or f"http://{cfg.name.replace('_', '-').replace('.', '-')}-rest.{k8s.namespace}:8081"
        common.update(slots=k8s.slots, taskmanagers=k8s.taskmanager_replicas, python_executable="/usr/local/bin/python")
    return DeploySettings(rest_url=url.rstrip("/"), **common)


def with_overrides(settings: DeploySettings, **changes: Any) -> DeploySettings:
    """A copy with some fields replaced (tests and the CLI use it)."""
    return replace(settings, **changes)
