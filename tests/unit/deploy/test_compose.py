from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from sqlflow.deploy.compose import container_flink_config, render_compose
from sqlflow.deploy.flinkconf import GPU_CONFIG, PLACE_KEYS, cluster_config, render_config_yaml
from sqlflow.config import resolve_settings

REPO = Path(__file__).resolve().parents[3]


def _props(text: str) -> dict[str, str]:
    return {k: str(v) for k, v in yaml.safe_load(text).items()}


def test_committed_compose_file_is_the_rendered_one():
    settings = resolve_settings(REPO, target="local")
    committed = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert committed == render_compose(settings)


def test_compose_mirrors_the_local_target():
    settings = resolve_settings(REPO, target="local")
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    local = cluster_config(settings, gpu=True)
    for service in ("jobmanager", "taskmanager"):
        props = _props(compose["services"][service]["environment"]["FLINK_PROPERTIES"])
        assert set(props) - PLACE_KEYS == set(local) - PLACE_KEYS
        assert {k: v for k, v in props.items() if k not in PLACE_KEYS} == \
               {k: v for k, v in local.items() if k not in PLACE_KEYS}
    jm = compose["services"]["jobmanager"]
    assert jm["ports"] == [f"127.0.0.1:{settings.rest_port}:{settings.rest_port}"]
    tm = compose["services"]["taskmanager"]
    assert tm["deploy"]["resources"]["reservations"]["devices"] == [
        {"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]
    assert tm["scale"] == settings.taskmanagers


def test_container_config_changes_only_places():
    settings = resolve_settings(REPO, target="local")
    local, box = cluster_config(settings, gpu=True), container_flink_config(settings)
    assert sorted(k for k in local if local[k] != box.get(k)) == sorted(
        k for k in PLACE_KEYS if k in local and local[k] != box.get(k))
    assert (box["rest.bind-address"], box["jobmanager.rpc.address"], box["python.executable"]) == \
        ("0.0.0.0", "jobmanager", "/usr/local/bin/python")


def test_gpu_plugin_is_commented_out_without_a_gpu():
    settings = resolve_settings(REPO, target="local")
    text = render_config_yaml(cluster_config(settings, gpu=False), gpu=False)
    assert all(f"# {k}: {v}" in text for k, v in GPU_CONFIG.items())
    assert not any(k in yaml.safe_load(text) for k in GPU_CONFIG)


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not installed "
                    "(apt-get install -y docker-compose)")
def test_docker_compose_accepts_the_file():
    proc = subprocess.run(["docker-compose", "-f", str(REPO / "docker-compose.yml"), "config", "--services"],
                          capture_output=True, text=True, cwd=REPO)
    assert (proc.returncode, sorted(proc.stdout.split())) == (0, ["jobmanager", "kafka", "sqlflow", "taskmanager"])


def test_local_conf_dir_holds_the_cluster_config_and_log_files(tmp_path):
    from sqlflow.deploy.flinkconf import write_conf_dir
    from sqlflow.paths import flink_home

    settings = resolve_settings(REPO, target="local")
    conf = cluster_config(settings, gpu=False)
    folder = write_conf_dir(conf, tmp_path / "conf", flink_home(), gpu=False)
    assert yaml.safe_load((folder / "config.yaml").read_text()) == conf
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["config.yaml", *(p.name for p in (flink_home() / "conf").iterdir() if p.name.startswith(("log4j", "logback")))])
    assert conf["env.java.opts.all"].count("--add-opens=java.base/java.nio=ALL-UNNAMED") == 1
    assert (conf["taskmanager.numberOfTaskSlots"], conf["rest.port"], conf["taskmanager.memory.process.size"]) == (
        str(settings.slots), str(settings.rest_port), settings.taskmanager_memory)


def test_published_ports_listen_on_loopback_and_kafka_takes_what_the_local_broker_takes():
    from sqlflow.kafka.broker import MAX_MESSAGE_BYTES, SHARED_SETTINGS

    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    published = [p for s in compose["services"].values() for p in s.get("ports", [])]
    assert published and all(p.startswith("127.0.0.1:") for p in published)
    kafka_env = compose["services"]["kafka"]["environment"]
    assert {k: kafka_env[f"KAFKA_{k.upper().replace('.', '_')}"] for k in SHARED_SETTINGS} == SHARED_SETTINGS
    assert kafka_env["KAFKA_MESSAGE_MAX_BYTES"] == str(MAX_MESSAGE_BYTES)
    restart = {name: s.get("restart") for name, s in compose["services"].items()}
    assert restart == {"kafka": "unless-stopped", "jobmanager": "unless-stopped", "taskmanager": "unless-stopped",
                       "sqlflow": None}
