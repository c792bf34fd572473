"""The Flink configuration of a sqlflow cluster, from one source of settings.

Both the ``local`` target (a standalone cluster started from the apache-flink
package's distribution) and docker-compose.yml take their Flink settings
from :func:`cluster_config`, so the two cannot drift apart; a test checks it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Mapping

import yaml

from sqlflow import defaults
from sqlflow.config import TargetSettings
from sqlflow.paths import flink_home

#: Flink's GPU plugin (plugins/external-resource-gpu), on when a GPU is present.
GPU_CONFIG: dict[str, str] = {
    "external-resources": "gpu",
    "external-resource.gpu.driver-factory.class": "org.apache.flink.externalresource.gpu.GPUDriverFactory",
    "external-resource.gpu.amount": "1",
    "external-resource.gpu.param.discovery-script.path": "plugins/external-resource-gpu/nvidia-gpu-discovery.sh",
}

#: Keys whose values name hosts, paths or the interpreter: they differ between
#: a local cluster and containers; every other key must be equal.
PLACE_KEYS = frozenset({
    "jobmanager.rpc.address", "jobmanager.bind-host", "taskmanager.bind-host", "taskmanager.host",
    "rest.address", "rest.bind-address", "state.savepoints.dir", "execution.checkpointing.dir",
    "python.executable", "python.client.executable", "env.pid.dir", "io.tmp.dirs",
})


def distribution_java_opts() -> str:
    """``env.java.opts.all`` of the distribution's own config.yaml (the --add-opens Flink and Arrow need)."""
    data = yaml.safe_load((flink_home() / "conf" / "config.yaml").read_text()) or {}
    node = data
    for key in ("env", "java", "opts", "all"):
        node = node.get(key, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, str) else str(data.get("env.java.opts.all", ""))


def gpu_present() -> bool:
    """Whether this machine has an NVIDIA GPU the discovery script could find."""
    return shutil.which("nvidia-smi") is not None


def cluster_config(
    settings: TargetSettings,
    *,
    host: str = "localhost",
    bind_host: str = "localhost",
    state_uri: str | None = None,
    python: str | None = None,
    gpu: bool = False,
) -> dict[str, str]:
    """The flat Flink configuration (key -> string value) of a standalone session cluster."""
    state = state_uri or settings.state_dir.resolve().as_uri()
    py = python or settings.python_executable
    conf: dict[str, str] = {
        "jobmanager.rpc.address": host,
        "jobmanager.rpc.port": str(settings.rpc_port),
        "jobmanager.bind-host": bind_host,
        "jobmanager.memory.process.size": settings.jobmanager_memory,
        "taskmanager.bind-host": bind_host,
        "taskmanager.host": host if bind_host != "0.0.0.0" else "",
        "taskmanager.numberOfTaskSlots": str(settings.slots),
        "taskmanager.memory.process.size": settings.taskmanager_memory,
        "parallelism.default": str(settings.parallelism),
        "rest.address": host,
        "rest.bind-address": bind_host,
        "rest.port": str(settings.rest_port),
        "state.savepoints.dir": f"{state.rstrip('/')}/savepoints",
        "execution.checkpointing.dir": f"{state.rstrip('/')}/checkpoints",
        # jobs sqlflow submits carry their own (sqlflow.defaults); this is for any other client
        defaults.CHECKPOINT_INTERVAL: defaults.STREAMING[defaults.CHECKPOINT_INTERVAL],
        "python.executable": py,
        "python.client.executable": py,
        "env.java.opts.all": distribution_java_opts(),
    }
    if not conf["taskmanager.host"]:
        del conf["taskmanager.host"]
    conf.update(defaults.CLUSTER)  # failure detection and failover (sqlflow.defaults says why)
    conf.update({k: str(v) for k, v in settings.flink_config.items()})
    if gpu:
        conf.update(GPU_CONFIG)
    return conf


def render_config_yaml(conf: Mapping[str, str], gpu: bool) -> str:
    """config.yaml text: the flat keys, and the GPU keys commented out when off."""
    body = yaml.safe_dump(dict(conf), sort_keys=True, default_flow_style=False)
    head = "# Written by sqlflow for this project's cluster; edit sqlflow.yaml instead.\n"
    if gpu:
        return head + body
    gpu_lines = "".join(f"# {k}: {v}\n" for k, v in GPU_CONFIG.items())
    return head + body + "# GPU plugin, off: no GPU was found on this machine.\n" + gpu_lines


def write_conf_dir(conf: Mapping[str, str], conf_dir: Path, flink_home: Path, gpu: bool) -> Path:
    """A FLINK_CONF_DIR: config.yaml plus the distribution's log4j files."""
    conf_dir.mkdir(parents=True, exist_ok=True)
    for item in (flink_home / "conf").iterdir():
        if item.name.startswith("log4j") or item.name.startswith("logback"):
            shutil.copy(item, conf_dir / item.name)
    (conf_dir / "config.yaml").write_text(render_config_yaml(conf, gpu))
    return conf_dir
