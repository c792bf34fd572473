"""docker-compose.yml, generated from the same settings as the ``local`` target.

``python -m sqlflow.deploy.compose [PROJECT] > docker-compose.yml`` writes
it; a test checks that the committed file equals what this renders, so the
containers always mirror what ``sqlflow up`` starts (same ports, slots,
memory, Flink keys), with only hosts and paths changed for containers.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from sqlflow import KAFKA_VERSION
from sqlflow.config import TargetSettings, resolve_settings
from sqlflow.deploy.flinkconf import cluster_config
from sqlflow.kafka.broker import SHARED_SETTINGS

IMAGE = "sqlflow:latest"
#: Published ports listen on the host's loopback only: Flink's REST API takes job submissions
#: (running code), and Kafka has no authentication here. Reach them from elsewhere through a tunnel
#: or a proxy that authenticates.
LOOPBACK = "127.0.0.1"
#: The broker and the Flink processes come back when they die: a TaskManager whose task fails while
#: cleaning up (a Python UDF worker killed, say) shuts itself down, and a job needs it to recover.
RESTART = "unless-stopped"
STATE_URI = "file:///opt/sqlflow/state"
PYTHON = "/usr/local/bin/python"


def container_flink_config(settings: TargetSettings, gpu: bool = True) -> dict[str, str]:
    """The local target's Flink configuration, with container hosts and paths."""
    return cluster_config(settings, host="jobmanager", bind_host="0.0.0.0", state_uri=STATE_URI,
                          python=PYTHON, gpu=gpu)


def _properties(conf: dict[str, str]) -> str:
    return "".join(f"{k}: {v}\n" for k, v in sorted(conf.items()))


def render_compose(settings: TargetSettings, kafka_port: int = 9092) -> dict[str, Any]:
    """The compose file as data: Kafka (KRaft), JobManager, TaskManager (GPU) and the sqlflow CLI."""
    props = _properties(container_flink_config(settings))
    flink_env = {"FLINK_PROPERTIES": props}
    volumes = ["flink-state:/opt/sqlflow/state"]
    return {
        "version": "3.8",
        "services": {
            "kafka": {
                "image": f"apache/kafka:{KAFKA_VERSION}",
                "hostname": "kafka",
                "restart": RESTART,
                "ports": [f"{LOOPBACK}:{kafka_port}:9092"],
                "environment": {
                    "KAFKA_NODE_ID": "1",
                    "KAFKA_PROCESS_ROLES": "broker,controller",
                    "KAFKA_LISTENERS": "INTERNAL://:19092,CONTROLLER://:9093,EXTERNAL://:9092",
                    "KAFKA_ADVERTISED_LISTENERS": f"INTERNAL://kafka:19092,EXTERNAL://localhost:{kafka_port}",
                    "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT",
                    "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
                    "KAFKA_INTER_BROKER_LISTENER_NAME": "INTERNAL",
                    "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@kafka:9093",
                    "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
                    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
                    "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
                    **{f"KAFKA_{k.upper().replace('.', '_')}": v for k, v in SHARED_SETTINGS.items()},
                },
            },
            "jobmanager": {
                "image": IMAGE,
                "build": {"context": ".", "dockerfile": "docker/Dockerfile"},
                "hostname": "jobmanager",
                "restart": RESTART,
                "command": ["jobmanager"],
                "ports": [f"{LOOPBACK}:{settings.rest_port}:{settings.rest_port}"],
                "environment": dict(flink_env),
                "volumes": list(volumes),
            },
            "taskmanager": {
                "image": IMAGE,
                "command": ["taskmanager"],
                "depends_on": ["jobmanager"],
                "restart": RESTART,
                "scale": settings.taskmanagers,
                "environment": dict(flink_env),
                "volumes": list(volumes),
                "deploy": {"resources": {"reservations": {"devices": [
                    {"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]}}},
            },
            "sqlflow": {
                "image": IMAGE,
                "command": ["deploy", "--target", "remote"],
                "depends_on": ["jobmanager", "taskmanager", "kafka"],
                "environment": {
                    "SQLFLOW_REST_URL": f"http://jobmanager:{settings.rest_port}",
                    "KAFKA_BOOTSTRAP": "kafka:19092",
                },
                "volumes": ["./:/opt/sqlflow/project", *volumes],
                "working_dir": "/opt/sqlflow/project",
            },
        },
        "volumes": {"flink-state": {}},
    }


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings (FLINK_PROPERTIES) as literal blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def compose_text(settings: TargetSettings) -> str:
    head = ("# Generated by `python -m sqlflow.deploy.compose > docker-compose.yml` from the local\n"
            "# target's settings; a test checks that it mirrors them. Edit sqlflow.yaml, then regenerate.\n")
    return head + yaml.dump(render_compose(settings), Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=120)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0]) if argv else Path.cwd()
    sys.stdout.write(compose_text(resolve_settings(root, target="local")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
