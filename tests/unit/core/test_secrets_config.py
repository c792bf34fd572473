"""The secrets file, the kafka: security settings, the remote target's REST access, the project folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlflow.access import KafkaConnection, KafkaSecurity, kafka_options
from sqlflow.compiler import compile_project
from sqlflow.config import load_config
from sqlflow.errors import ConfigError
from sqlflow.scrub import known_secrets


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    for name in ("SQLFLOW_SECRETS_FILE", "KAFKA_PASSWORD", "FLINK_TOKEN", "SQLFLOW_TARGET", "KAFKA_BOOTSTRAP"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "project"
    (root / "sql").mkdir(parents=True)
    (root / "sqlflow.yaml").write_text("name: p\n")
    return root


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    folder = tmp_path / "vault"
    folder.mkdir()
    return folder


def test_a_yaml_secrets_file_fills_names_and_its_values_are_secret(project, vault, monkeypatch):
    (vault / "prod.yaml").write_text("DB_URL: jdbc:postgresql://svc:pw-9876@db/app\nAPI_TOKEN: t0k3n-abcdef\n")
    monkeypatch.setenv("SQLFLOW_SECRETS_FILE", str(vault / "prod.yaml"))
    monkeypatch.setenv("DB_URL", "from-the-environment")  # the secrets file wins over the environment
    cfg = load_config(project)
    assert (cfg.secrets_file, cfg.lookup_var("DB_URL"), cfg.is_secret("DB_URL"), cfg.is_secret("GROUP")) == (
        vault / "prod.yaml", "jdbc:postgresql://svc:pw-9876@db/app", True, False)
    assert {"jdbc:postgresql://svc:pw-9876@db/app", "t0k3n-abcdef"} <= known_secrets()
    assert "pw-9876" not in repr(cfg) and "t0k3n" not in repr(cfg)


def test_an_env_style_secrets_file(project, vault, monkeypatch):
    (vault / "prod.env").write_text("# the team's secrets\nexport DB_PASSWORD='hunter22!'\nEMPTY=\nPLAIN=value x\n")
    monkeypatch.setenv("SQLFLOW_SECRETS_FILE", str(vault / "prod.env"))
    cfg = load_config(project)
    assert dict(cfg.secret_values) == {"DB_PASSWORD": "hunter22!", "EMPTY": "", "PLAIN": "value x"}


def test_a_value_from_the_secrets_file_is_stored_as_its_reference(project, vault, monkeypatch):
    (vault / "s.yaml").write_text("SINK_PATH: /data/private-bucket-7731\n")  # a name that does not look secret
    monkeypatch.setenv("SQLFLOW_SECRETS_FILE", str(vault / "s.yaml"))
    (project / "sql" / "job.sql").write_text(
        "CREATE TABLE src (k INT) WITH ('connector' = 'datagen');\n"
        "CREATE TABLE out1 (k INT) WITH ('connector' = 'filesystem', 'path' = '${SINK_PATH}', 'format' = 'csv');\n"
        "INSERT INTO out1 SELECT k FROM src;\n")
    job = compile_project(project).jobs[0]
    sink = next(s for s in job.statements if s.sql.startswith("CREATE TABLE out1"))
    assert "/data/private-bucket-7731" in sink.sql
    assert sink.template == sink.sql.replace("/data/private-bucket-7731", "${SINK_PATH}")


@pytest.mark.parametrize("content, message, line", [
    ("- a\n- b\n", "the secrets file must be a mapping of NAME: value lines", 0),
    ("A: [1, 2]\n", "secret A must be a single value", 0),
    ("bad name: x\n", "'bad name' in the secrets file is not a ${NAME} name (letters, digits, _)", 0),
    ("A: 'x\nB: y\n", "the secrets file is not valid YAML (a mapping of NAME: value)", 3),
])
def test_a_bad_secrets_file_names_the_line_and_never_shows_it(project, vault, monkeypatch, content, message, line):
    (vault / "s.yaml").write_text(content)
    monkeypatch.setenv("SQLFLOW_SECRETS_FILE", str(vault / "s.yaml"))
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert (err.value.message, err.value.location.line) == (message, line)
    assert err.value.render().count("\n") <= 1  # the header only: no source line under it


def test_an_env_file_line_that_is_not_name_value(project, vault, monkeypatch):
    (vault / "s.env").write_text("A=1\nthis is the secret s3cr3t\n")
    monkeypatch.setenv("SQLFLOW_SECRETS_FILE", str(vault / "s.env"))
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert err.value.render() == f"{vault / 's.env'}:2:1: error[secrets-file]: a line of the secrets file is not " \
                                 "NAME=value"


def test_a_secrets_file_inside_the_project_or_missing_is_refused(project, vault, monkeypatch):
    inside = project / "secrets.yaml"
    inside.write_text("A: b\n")
    monkeypatch.setenv("SQLFLOW_SECRETS_FILE", str(inside))
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert str(err.value) == (f"SQLFLOW_SECRETS_FILE={inside}: the secrets file lies inside the project "
                              f"({project}) (keep it outside the project folder, so it is never committed or "
                              "shipped with a job)")
    monkeypatch.setenv("SQLFLOW_SECRETS_FILE", str(vault / "nope.yaml"))
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert err.value.message == f"SQLFLOW_SECRETS_FILE={vault / 'nope.yaml'}: no such file"


def test_kafka_security_settings_reach_sqlflows_kafka_clients(project, vault, monkeypatch):
    (project / "sqlflow.yaml").write_text(
        "name: p\nkafka:\n  bootstrap: broker:9093\n  security_protocol: SASL_SSL\n  sasl_mechanism: SCRAM-SHA-512\n"
        "  sasl_username: svc\n  sasl_password: ${KAFKA_PASSWORD}\n  ssl_cafile: /etc/kafka/ca.pem\n"
        "  ssl_check_hostname: false\n")
    (vault / "s.yaml").write_text("KAFKA_PASSWORD: kp-998877\n")
    monkeypatch.setenv("SQLFLOW_SECRETS_FILE", str(vault / "s.yaml"))
    cfg = load_config(project)
    assert cfg.kafka.sasl_password == "${KAFKA_PASSWORD}"  # kept as written until a client needs it
    conn = cfg.kafka_client()
    assert kafka_options(conn) == {
        "bootstrap_servers": "broker:9093", "security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "svc", "sasl_plain_password": "kp-998877", "ssl_check_hostname": False,
        "ssl_cafile": "/etc/kafka/ca.pem"}
    assert cfg.kafka_client("other:9093").bootstrap == "other:9093"
    assert kafka_options("plain:9092") == {"bootstrap_servers": "plain:9092"}
    assert "kp-998877" in known_secrets()


def test_kafka_settings_are_checked_where_they_are_written(project, monkeypatch):
    (project / "sqlflow.yaml").write_text("name: p\nkafka:\n  security_protocol: SASL-SSL\n")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert (err.value.message, err.value.location.line, err.value.hint) == (
        "kafka.security_protocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, not 'SASL-SSL'", 3,
        "did you mean 'SASL_SSL'?")
    (project / "sqlflow.yaml").write_text("name: p\nkafka:\n  sasl_password: ${KAFKA_PASSWORD}\n")
    with pytest.raises(ConfigError) as err:
        load_config(project).kafka_client()
    assert (err.value.message, err.value.location.line) == (
        "kafka.sasl_password uses ${KAFKA_PASSWORD}, which is not set", 3)
    (project / "sqlflow.yaml").write_text("name: p\nkafka:\n  check: nope\n")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert err.value.message == "'kafka.check' must be true or false, not 'nope'"


def test_the_kafka_check_can_be_switched_off(project, monkeypatch):
    assert load_config(project).kafka.check is True
    monkeypatch.setenv("SQLFLOW_KAFKA_CHECK", "0")
    assert load_config(project).kafka.check is False


def test_the_remote_targets_rest_access(project, vault, monkeypatch):
    (project / "sqlflow.yaml").write_text(
        "name: p\ntargets:\n  remote:\n    rest_url: https://flink.example/team-a/\n    ca_file: /etc/ca.pem\n"
        "    client_cert: /etc/me.pem\n    client_key: /etc/me.key\n    token: ${FLINK_TOKEN}\n")
    monkeypatch.setenv("FLINK_TOKEN", "tok-5566778899")
    settings = load_config(project).target_settings("remote")
    access = settings.rest_access
    assert settings.rest_url == "https://flink.example/team-a"
    assert access.headers() == {"Authorization": "Bearer tok-5566778899"}
    assert access.requests_options() == {"verify": "/etc/ca.pem", "cert": ("/etc/me.pem", "/etc/me.key")}
    assert "tok-5566778899" in known_secrets() and "tok-5566778899" not in repr(settings)
    (project / "sqlflow.yaml").write_text(
        "name: p\ntargets:\n  remote:\n    username: ops\n    password: ${FLINK_PASSWORD}\n    verify: false\n")
    monkeypatch.setenv("FLINK_PASSWORD", "pw-4433")
    access = load_config(project).target_settings("remote").rest_access
    assert access.headers() == {"Authorization": "Basic b3BzOnB3LTQ0MzM="}  # ops:pw-4433
    assert access.requests_options() == {"verify": False}


@pytest.mark.parametrize("setting", ["sql: ../elsewhere", "udfs: /etc", "models: models/../../up"])
def test_project_folders_outside_the_project_are_refused(project, setting):
    (project / "sqlflow.yaml").write_text(f"name: p\n{setting}\n")
    key, value = setting.split(": ")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert (err.value.rule, err.value.message, err.value.location.line) == (
        "path-outside-project", f"'{key}: {value}' points outside the project ({project})", 2)


def test_a_project_folder_that_links_out_is_refused(project, tmp_path):
    (tmp_path / "shared-udfs").mkdir()
    (project / "udfs").symlink_to(tmp_path / "shared-udfs")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert err.value.message == f"'udfs: udfs' points outside the project ({project})"
    assert KafkaConnection("b:1", KafkaSecurity()).client_options() == {"bootstrap_servers": "b:1"}
