from pathlib import Path

import pytest

from sqlflow.config import load_config
from sqlflow.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sqlflow.yaml").write_text(text)
    return tmp_path


def test_defaults_without_a_file(tmp_path, monkeypatch):
    for var in ("SQLFLOW_TARGET", "KAFKA_BOOTSTRAP", "SQLFLOW_REST_PORT", "SQLFLOW_PARALLELISM"):
        monkeypatch.delenv(var, raising=False)
    cfg = load_config(tmp_path)
    assert (cfg.name, cfg.target, cfg.embedded.rest_port, cfg.kafka_bootstrap) == (
        tmp_path.name, "embedded", 8081, "localhost:9092")
    assert cfg.sql_path == tmp_path / "sql"


def test_file_and_env_overrides(tmp_path, monkeypatch):
    write(tmp_path, "name: shop\ntarget: local\ntargets:\n  local: {rest_port: 9000, slots: 4}\n"
                    "kafka: {bootstrap: k:1}\nflink: {table.exec.state.ttl: 1 h}\nvars: {TOPIC: t1}\n")
    monkeypatch.setenv("SQLFLOW_REST_PORT", "9100")
    monkeypatch.delenv("SQLFLOW_TARGET", raising=False)
    monkeypatch.delenv("KAFKA_BOOTSTRAP", raising=False)
    cfg = load_config(tmp_path)
    assert cfg.name == "shop" and cfg.target == "local"
    assert (cfg.local.rest_port, cfg.local.slots, cfg.embedded.rest_port) == (9100, 4, 9100)
    assert cfg.flink == {"table.exec.state.ttl": "1 h"}
    assert cfg.substitute("topic=${TOPIC} servers=${KAFKA_BOOTSTRAP}") == "topic=t1 servers=k:1"
    monkeypatch.setenv("SQLFLOW_TARGET", "remote")
    assert load_config(tmp_path).target == "remote"


def test_unknown_setting_points_at_the_line(tmp_path):
    write(tmp_path, "name: x\ntargets:\n  embedded:\n    rest_prot: 1\n")
    with pytest.raises(ConfigError) as e:
        load_config(tmp_path)
    assert e.value.render() == (
        f"{tmp_path}/sqlflow.yaml:4:5: error[unknown-setting]: unknown setting 'targets.embedded.rest_prot'\n"
        "   4 |     rest_prot: 1\n"
        "     |     ^^^^^^^^^\n"
        "  = help: did you mean 'rest_port'?")


def test_unknown_target(tmp_path, monkeypatch):
    monkeypatch.delenv("SQLFLOW_TARGET", raising=False)
    write(tmp_path, "target: lcoal\n")
    with pytest.raises(ConfigError, match="unknown target 'lcoal'") as e:
        load_config(tmp_path)
    assert e.value.hint == "did you mean 'local'?"


def test_unset_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("NOPE_NOT_SET", raising=False)
    cfg = load_config(tmp_path)
    with pytest.raises(ConfigError, match=r"\$\{NOPE_NOT_SET\} is not set"):
        cfg.substitute("x ${NOPE_NOT_SET}")
    assert cfg.substitute("${NOPE_NOT_SET:-dflt}") == "dflt"


def test_bad_yaml(tmp_path):
    write(tmp_path, "name: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML") as e:
        load_config(tmp_path)
    assert e.value.location.line >= 1


@pytest.mark.parametrize("text, key", [
    ("name: x\nvars: [a, b]\n", "vars"),
    ("name: x\nflink:\n  - table.exec.state.ttl\n", "flink"),
    ("name: x\nkafka: localhost:9092\n", "kafka"),
    ("name: x\nrequirements: pandas==2.2\n", "requirements"),
])
def test_a_section_of_the_wrong_shape_is_located(tmp_path, text, key):
    write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_config(tmp_path)
    assert e.value.location.line == 2 and e.value.rule == "bad-setting"
    assert f"'{key}' must be a" in e.value.message


def test_unknown_kafka_setting_gets_a_hint(tmp_path):
    write(tmp_path, "name: x\nkafka:\n  bootstrp: k:1\n")
    with pytest.raises(ConfigError) as e:
        load_config(tmp_path)
    assert (e.value.message, e.value.location.line, e.value.hint) == (
        "unknown setting 'kafka.bootstrp'", 3, "did you mean 'bootstrap'?")


def test_unknown_target_in_the_file_points_at_the_line(tmp_path, monkeypatch):
    monkeypatch.delenv("SQLFLOW_TARGET", raising=False)
    write(tmp_path, "name: x\ntarget: embeded   # the default\n")
    with pytest.raises(ConfigError) as e:
        load_config(tmp_path)
    assert (e.value.location.line, e.value.location.column) == (2, 9)
    assert e.value.hint == "did you mean 'embedded'?"


def test_bad_environment_values_name_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("SQLFLOW_TARGET", "embeded")
    with pytest.raises(ConfigError, match=r"unknown target 'embeded'"):
        load_config(tmp_path)
    monkeypatch.delenv("SQLFLOW_TARGET")
    monkeypatch.setenv("SQLFLOW_REST_PORT", "eighty")
    with pytest.raises(ConfigError, match="SQLFLOW_REST_PORT must be a number, not 'eighty'"):
        load_config(tmp_path)


# Found by fuzzing sqlflow.yaml: each of these was an internal error (a Python exception) or an error
# that did not say where in the file it was.
@pytest.mark.parametrize("text, where, message", [
    # a key YAML reads as a number or null: did_you_mean called .lower() on it
    ("name: x\n2: [a]\n", (2, 1), "unknown setting '2'"),
    ("name: x\n~: 1\n", (2, 1), "unknown setting 'None'"),
    ("targets:\n  local:\n    null: 1\n", (3, 5), "unknown setting 'targets.local.None'"),
    # a value YAML types but cannot build: ValueError, AttributeError, KeyError from PyYAML's constructors
    ("name: x\nvars:\n  DAY: 2024-13-45\n", (3, 8),
     "sqlflow.yaml is not valid YAML: cannot read '2024-13-45' (a timestamp to YAML): month must be in 1..12; "
     "quote it to keep it text"),
    ("vars: {A: !!timestamp x}\n", (1, 11),
     "sqlflow.yaml is not valid YAML: cannot read 'x' (a timestamp to YAML); quote it to keep it text"),
    ("vars: {A: !!bool x}\n", (1, 11), "sqlflow.yaml is not valid YAML: cannot read 'x' (a bool to YAML); quote it "
                                       "to keep it text"),
    # a character YAML refuses: no line, and PyYAML's "in <unicode string>, position 8" in the message
    ("name: x\x00\n", (1, 8), "sqlflow.yaml is not valid YAML: unacceptable character #x0000: special characters "
                               "are not allowed"),
    # not a mapping at all: the error had no line
    ("- a\n- b\n", (1, 1), "sqlflow.yaml must be a mapping of settings (key: value lines)"),
    # (not from fuzzing: seen while fixing the above) nesting deep enough for PyYAML's RecursionError
    ("[" * 5000, (1, 1), "sqlflow.yaml is not valid YAML: nested too deeply"),
])
def test_every_broken_file_is_a_located_config_error(tmp_path, text, where, message):
    write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_config(tmp_path)
    loc = e.value.location
    assert (loc.file, (loc.line, loc.column), e.value.message) == (str(tmp_path / "sqlflow.yaml"), where, message)
