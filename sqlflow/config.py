"""One validated configuration: ``sqlflow.yaml`` read into typed objects.

Every setting has a default, so a project without the file works. Environment
variables override the file for the settings a deployment sets:

=====================  ===============================================
``SQLFLOW_TARGET``     the target to deploy to (embedded, local, remote)
``SQLFLOW_REST_PORT``  the dashboard/REST port of the embedded and local targets
``SQLFLOW_REST_URL``   the REST address of the remote target
``KAFKA_BOOTSTRAP``    the Kafka bootstrap servers the SQL reaches
``SQLFLOW_PARALLELISM`` default parallelism of the jobs
``SQLFLOW_SECRETS_FILE`` a file of secrets (``NAME: value``) outside the project
``SQLFLOW_KAFKA_CHECK`` ``0`` skips the check that a job's Kafka brokers answer
=====================  ===============================================

``${NAME}`` in SQL (and in the ``kafka:`` and ``targets.remote`` settings) is
replaced by ``vars.NAME`` from the file, else the secrets file's ``NAME``, else
the environment variable ``NAME``; secrets are referenced that way and never
written into SQL. The value of a secret (its name looks secret, or it comes from
the secrets file) is registered with the scrubber (:mod:`sqlflow.scrub`) the
moment it is read, so no output of sqlflow shows it.

Each target's settings (:class:`TargetSettings`) are derived from this one
object by :meth:`Config.target_settings`, so every default lives here once.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from sqlflow.access import (KAFKA_KEYS, SECRETS_FILE_ENV, KafkaConnection, KafkaSecurity, RestAccess,
                            check_kafka_security, read_secrets_file, secret_settings)
from sqlflow.errors import ConfigError, Location, did_you_mean
from sqlflow.paths import find_project_root, within
from sqlflow.scrub import add_secret
from sqlflow.yamlfile import YamlSyntaxError, load_yaml

CONFIG_FILE = "sqlflow.yaml"
TARGETS = ("embedded", "local", "remote", "kubernetes")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


@dataclass(frozen=True)
class EmbeddedTarget:
    """A Flink mini-cluster inside the sqlflow process."""

    rest_port: int = 8081
    parallelism: int = 1


@dataclass(frozen=True)
class LocalTarget:
    """A standalone Flink cluster (JobManager + TaskManagers) and a Kafka broker on this machine."""

    rest_port: int = 8081
    rpc_port: int = 6123
    taskmanagers: int = 1
    slots: int = 4
    parallelism: int = 1
    kafka_port: int = 9092
    jobmanager_memory: str = "1024m"
    taskmanager_memory: str = "2048m"


@dataclass(frozen=True)
class RemoteTarget:
    """Any Flink session cluster reached through its REST API (https, a CA, a client certificate,
    a token for a proxy in front of it: see :class:`sqlflow.access.RestAccess`)."""

    rest_url: str = "http://localhost:8081"
    parallelism: int = 1
    ca_file: str = ""
    verify: bool = True
    client_cert: str = ""
    client_key: str = ""
    keystore: str = ""
    keystore_password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    username: str = ""
    password: str = field(default="", repr=False)


@dataclass(frozen=True)
class KubernetesTarget:
    """Manifests for the Flink Kubernetes Operator."""

    namespace: str = "default"
    image: str = "sqlflow:latest"
    flink_version: str = "v2_2"
    taskmanager_replicas: int = 1
    slots: int = 4


#: What each kind of target can do: ``deploy`` sends jobs to a cluster that outlives the command;
#: ``run`` runs them inside the sqlflow process (the embedded mini-cluster).
DEPLOYABLE = ("local", "remote", "kubernetes")


@dataclass(frozen=True)
class TargetSettings:
    """One target's resolved settings: where its jobs go and how its cluster is shaped.

    Built only by :meth:`Config.target_settings`; its values come from sqlflow.yaml,
    the environment and flags, with the defaults of the target classes above.
    """

    project: str
    root: Path
    target: str  # the target's name in sqlflow.yaml
    kind: str  # embedded | local | remote | kubernetes
    rest_url: str
    state_dir: Path
    rest_port: int
    rpc_port: int
    taskmanagers: int
    slots: int
    parallelism: int
    jobmanager_memory: str
    taskmanager_memory: str
    python_executable: str
    kafka_bootstrap: str
    flink_config: Mapping[str, str]
    vars: Mapping[str, str]
    requirements: tuple[str, ...]
    config: Config = field(compare=False, repr=False)  # the project configuration these come from
    rest_access: RestAccess = field(default_factory=RestAccess, repr=False)  # TLS and credentials (remote)

    @property
    def kubernetes(self) -> KubernetesTarget:
        """The operator's settings (used by the kubernetes target)."""
        return self.config.kubernetes

    @property
    def dashboard_url(self) -> str:
        return self.rest_url.rstrip("/")

    @property
    def savepoint_dir(self) -> Path:
        return self.state_dir / "savepoints"

    @property
    def deployable(self) -> bool:
        """Whether ``sqlflow deploy`` can send jobs to this target (see :data:`DEPLOYABLE`)."""
        return self.kind in DEPLOYABLE


@dataclass(frozen=True)
class Config:
    """A project's settings. ``root`` is the folder holding sqlflow.yaml."""

    root: Path
    name: str = "sqlflow"
    sql_dir: Path = Path("sql")
    udfs_dir: Path = Path("udfs")
    models_dir: Path = Path("models")
    target: str = "embedded"
    embedded: EmbeddedTarget = field(default_factory=EmbeddedTarget)
    local: LocalTarget = field(default_factory=LocalTarget)
    remote: RemoteTarget = field(default_factory=RemoteTarget)
    kubernetes: KubernetesTarget = field(default_factory=KubernetesTarget)
    kafka_bootstrap: str = "localhost:9092"
    kafka: KafkaSecurity = field(default_factory=KafkaSecurity)  # how sqlflow's own clients reach Kafka
    flink: Mapping[str, str] = field(default_factory=dict)
    vars: Mapping[str, str] = field(default_factory=dict)
    requirements: tuple[str, ...] = ()
    file: Path | None = None  # the sqlflow.yaml read, if any
    secrets_file: Path | None = None  # SQLFLOW_SECRETS_FILE, if set
    secret_values: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def sql_path(self) -> Path:
        return self.root / self.sql_dir

    @property
    def udfs_path(self) -> Path:
        return self.root / self.udfs_dir

    @property
    def models_path(self) -> Path:
        return self.root / self.models_dir

    @property
    def state_path(self) -> Path:
        return self.root / ".sqlflow"

    def lookup_var(self, name: str) -> str | None:
        """The value of ``${name}``: config vars first, then the secrets file, then the environment.

        A secret's value (:meth:`is_secret`) is registered with the scrubber as it is read.
        """
        if name in self.vars:
            value: str | None = str(self.vars[name])
        elif name in self.secret_values:
            value = self.secret_values[name]
        elif name == "KAFKA_BOOTSTRAP":
            value = os.environ.get(name, self.kafka_bootstrap)
        else:
            value = os.environ.get(name)
        if value and self.is_secret(name):
            add_secret(value)
        return value

    def is_secret(self, name: str) -> bool:
        """Whether the value of ``${name}`` is a secret: its name looks secret, or the secrets file sets it."""
        return is_secret_name(name) or name in self.secret_values

    def substitute(self, text: str, location: Location | None = None) -> str:
        """Replace ``${NAME}`` and ``${NAME:-default}``; an unset name is a ConfigError."""
        out, replacements = substitute(text, self.lookup_var, self.is_secret)
        for r in replacements:
            if not r.defined:
                raise ConfigError(f"${{{r.name}}} is not set", location=location, rule="unset-variable",
                                  hint=f"set it under vars: in {CONFIG_FILE} or export {r.name}=...")
        return out

    def resolve_setting(self, section: str, key: str, raw: str) -> str:
        """A sqlflow.yaml setting with its ``${NAME}`` references substituted; an unset one is an error
        at the setting's line."""
        if "${" not in raw:
            return raw
        out, replacements = substitute(raw, self.lookup_var, self.is_secret)
        for r in replacements:
            if not r.defined:
                raise ConfigError(f"{section}.{key} uses ${{{r.name}}}, which is not set",
                                  location=self.setting_location(key), rule="unset-variable",
                                  hint=f"export {r.name}=..., put it in the secrets file ({SECRETS_FILE_ENV}), "
                                       "or under vars: in " + CONFIG_FILE)
        return out

    def setting_location(self, key: str) -> Location | None:
        """Where ``key:`` is written in sqlflow.yaml (None without the file)."""
        if self.file is None or not self.file.exists():
            return None
        return _loc(self.file, self.file.read_text(encoding="utf-8"), key)

    def kafka_client(self, bootstrap: str | None = None) -> KafkaConnection:
        """How sqlflow's own Kafka clients connect: ``bootstrap`` (default the configured servers) and
        the ``kafka:`` security settings, secrets resolved."""
        raw = {f.name: getattr(self.kafka, f.name) for f in fields(self.kafka)}
        resolved = {k: self.resolve_setting("kafka", k, v) if isinstance(v, str) else v for k, v in raw.items()}
        add_secret(*secret_settings(resolved))
        return KafkaConnection(bootstrap or self.kafka_bootstrap, KafkaSecurity(**resolved))

    def rest_access(self) -> RestAccess:
        """The remote target's REST TLS and credentials, secrets resolved."""
        remote = self.remote
        resolved = {k: self.resolve_setting("targets.remote", k, getattr(remote, k))
                    if isinstance(getattr(remote, k), str) else getattr(remote, k)
                    for k in RestAccess.__dataclass_fields__}
        add_secret(*secret_settings(resolved))
        return RestAccess(**resolved)

    def target_settings(self, target: str | None = None, rest_url: str | None = None) -> TargetSettings:
        """The resolved settings of ``target`` (default: the configured one); ``rest_url`` overrides
        the address of the remote and kubernetes targets."""
        name = target or self.target
        if name not in TARGETS:
            hint = did_you_mean(name, TARGETS)
            raise ConfigError(f"unknown target {name!r}", rule="unknown-target",
                              hint=f"did you mean {hint!r}?" if hint else "targets: " + ", ".join(TARGETS))
        local = self.local
        common: dict[str, Any] = dict(
            project=self.name, root=Path(self.root), target=name, kind=name,
            state_dir=Path(self.state_path) / name, rest_port=local.rest_port, rpc_port=local.rpc_port,
            taskmanagers=local.taskmanagers, slots=local.slots, parallelism=local.parallelism,
            jobmanager_memory=local.jobmanager_memory, taskmanager_memory=local.taskmanager_memory,
            python_executable=sys.executable, kafka_bootstrap=self.kafka_bootstrap,
            flink_config=dict(self.flink), vars=dict(self.vars), requirements=tuple(self.requirements),
            config=self,
        )
        if name == "local":
            url = f"http://localhost:{local.rest_port}"
        elif name == "embedded":
            url = f"http://localhost:{self.embedded.rest_port}"
            common.update(rest_port=self.embedded.rest_port, parallelism=self.embedded.parallelism)
        elif name == "remote":
            url = self.resolve_setting("targets.remote", "rest_url", rest_url or self.remote.rest_url)
            common.update(parallelism=self.remote.parallelism, rest_access=self.rest_access())
        else:  # kubernetes: the session cluster's REST service, inside the cluster
            k8s = self.kubernetes
            url = rest_url or f"http://{self.name.replace('_', '-').replace('.', '-')}-rest.{k8s.namespace}:8081"
            common.update(slots=k8s.slots, taskmanagers=k8s.taskmanager_replicas,
                          python_executable="/usr/local/bin/python")
        return TargetSettings(rest_url=url.rstrip("/"), **common)

    def secrets(self) -> list[str]:
        """Values known at load time that must never be shown: vars whose names look secret, and
        every value of the secrets file (values of secret ``${NAME}`` from the environment are added
        as they are read, by :meth:`lookup_var`)."""
        return [str(v) for k, v in self.vars.items() if is_secret_name(k) and v] + \
            [v for v in self.secret_values.values() if v]


def is_secret_name(name: str) -> bool:
    """Whether a ``${NAME}``'s value is a secret, by its name (password, secret, token, key)."""
    return re.search(r"(?i)password|secret|token|key", name) is not None


@dataclass(frozen=True)
class Replacement:
    """One ``${NAME}`` on a line: where it was, what replaced it, and where the value is in the new line."""

    line: int
    column: int  # 1-based column of '$' in the original line
    length: int  # length of '${NAME}'
    new_column: int  # 1-based column of the value in the substituted line
    new_length: int
    name: str
    defined: bool
    value: str = ""  # what replaced it
    secret: bool = False  # the value is a secret (kept out of what is stored and shown)


def substitute(text: str, lookup: Callable[[str], str | None],
               is_secret: Callable[[str], bool] = lambda name: is_secret_name(name)
               ) -> tuple[str, list[Replacement]]:
    """Replace ``${NAME}`` (``${NAME:-default}``) line by line, recording each replacement; an unset name
    without a default is left as the bare name, its replacement marked undefined."""
    out_lines = []
    subs: list[Replacement] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        pieces, last, shift = [], 0, 0
        for m in _VAR.finditer(line):
            name = m.group(1)
            value = lookup(name)
            defined = value is not None or m.group(2) is not None
            if value is None:
                value = m.group(2) if m.group(2) is not None else name
            value = value.replace("\n", " ")
            pieces.append(line[last:m.start()])
            pieces.append(value)
            subs.append(Replacement(lineno, m.start() + 1, len(m.group(0)),
                                     m.start() + 1 + shift, len(value), name, defined, value, is_secret(name)))
            shift += len(value) - len(m.group(0))
            last = m.end()
        pieces.append(line[last:])
        out_lines.append("".join(pieces))
    return "\n".join(out_lines), subs


_SECTIONS = {"embedded": EmbeddedTarget, "local": LocalTarget, "remote": RemoteTarget, "kubernetes": KubernetesTarget}
_TOP_KEYS = ("name", "sql", "udfs", "models", "target", "targets", "kafka", "flink", "vars", "requirements")


def _loc(file: Path, text: str, key: Any) -> Location:
    """Where the setting ``key:`` is written in sqlflow.yaml (else where the file starts)."""
    for i, line in enumerate(text.split("\n"), 1):
        col = line.find(f"{key}:")
        if col >= 0:
            return Location(str(file), i, col + 1, len(str(key)), source=text)
    found = _key_mark(text, key)  # a key YAML spells otherwise: null, ~, yes, 0x1F, "quoted"
    if found is not None:
        return Location(str(file), *found, source=text)
    return Location(str(file), 1, 1, source=text)


def _key_mark(text: str, key: Any) -> tuple[int, int, int] | None:
    """``(line, column, length)`` of the first mapping key in the YAML ``text`` that reads as ``key``."""
    try:
        nodes = [yaml.compose(text, Loader=yaml.SafeLoader)]
        reader = yaml.SafeLoader("")
        while nodes:
            node = nodes.pop(0)  # breadth first: a top-level key before a nested one
            if isinstance(node, yaml.SequenceNode):
                nodes.extend(node.value)
            elif isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and reader.construct_object(k) == key:
                        start, end = k.start_mark, k.end_mark
                        return start.line + 1, start.column + 1, max(1, end.index - start.index)
                    nodes.append(v)
    except (yaml.YAMLError, TypeError, ValueError):
        return None
    return None


def _value_loc(file: Path, text: str, key: str, value: str) -> Location:
    """The value of a top-level ``key: value`` line (the key's line if the value is not on it)."""
    for i, line in enumerate(text.split("\n"), 1):
        if line.startswith(f"{key}:"):
            col = line.find(value, len(key) + 1)
            if col >= 0:
                return Location(str(file), i, col + 1, len(value), source=text)
            return Location(str(file), i, 1, len(key), source=text)
    return _loc(file, text, key)


def _section(data: Mapping[str, Any], key: str, shape: type, file: Path, text: str) -> Any:
    """``data[key]`` if it is a mapping (``dict``) or a list (``list``) as wanted; empty if unset."""
    value = data.get(key)
    if value is None:
        return shape()
    if not isinstance(value, shape):
        what = "a mapping (key: value lines)" if shape is dict else "a list (- item lines)"
        raise ConfigError(f"'{key}' must be {what}, not {value!r}", location=_loc(file, text, key),
                          rule="bad-setting")
    return value


def _env_int(env: Mapping[str, str], name: str) -> int:
    try:
        return int(env[name])
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {env[name]!r}", rule="bad-setting") from None


def _build(cls: type, data: Any, file: Path, text: str, section: str) -> Any:
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(f"'{section}' must be a mapping (key: value lines), not {data!r}",
                          location=_loc(file, text, section.split(".")[-1]), rule="bad-setting")
    known = {f.name: f for f in fields(cls)}
    kwargs = {}
    for key, value in data.items():
        if key not in known:
            hint = did_you_mean(key, known)
            raise ConfigError(f"unknown setting '{section}.{key}'", location=_loc(file, text, key),
                              rule="unknown-setting", hint=f"did you mean '{hint}'?" if hint else
                              "known settings: " + ", ".join(known))
        want = type(getattr(cls(), key))
        if want is bool and not isinstance(value, bool):
            if str(value).lower() not in ("true", "false", "yes", "no", "on", "off", "1", "0"):
                raise ConfigError(f"'{section}.{key}' must be true or false, not {value!r}",
                                  location=_loc(file, text, key), rule="bad-setting")
            value = str(value).lower() in ("true", "yes", "on", "1")
        elif want is int and not isinstance(value, int):
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ConfigError(f"'{section}.{key}' must be a number, not {value!r}",
                                  location=_loc(file, text, key), rule="bad-setting") from None
        elif want is str:
            value = str(value)
        kwargs[key] = value
    return cls(**kwargs)


def load_config(root: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Config:
    """Read ``sqlflow.yaml`` under ``root`` (or the nearest above the cwd) and apply env overrides."""
    root = Path(root).resolve() if root else find_project_root()
    file = root / CONFIG_FILE
    data: dict = {}
    text = ""
    if file.exists():
        text = file.read_text(encoding="utf-8")
        try:
            data = load_yaml(text)[0] or {}
        except YamlSyntaxError as exc:
            raise ConfigError(f"{CONFIG_FILE} is not valid YAML: {exc.message}",
                              location=Location(str(file), exc.line, exc.column, source=text), rule="bad-config") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{CONFIG_FILE} must be a mapping of settings (key: value lines)",
                              location=Location(str(file), 1, 1, source=text), rule="bad-config")
    for key in data:
        if key not in _TOP_KEYS:
            hint = did_you_mean(key, _TOP_KEYS)
            raise ConfigError(f"unknown setting '{key}'", location=_loc(file, text, key), rule="unknown-setting",
                              hint=f"did you mean '{hint}'?" if hint else "known settings: " + ", ".join(_TOP_KEYS))

    targets = _section(data, "targets", dict, file, text)
    for key in targets:
        if key not in _SECTIONS:
            hint = did_you_mean(key, _SECTIONS)
            raise ConfigError(f"unknown target '{key}'", location=_loc(file, text, key), rule="unknown-target",
                              hint=f"did you mean '{hint}'?" if hint else "targets: " + ", ".join(_SECTIONS))
    kafka = _section(data, "kafka", dict, file, text)
    for key in kafka:
        if key not in KAFKA_KEYS:
            hint = did_you_mean(str(key), KAFKA_KEYS)
            raise ConfigError(f"unknown setting 'kafka.{key}'", location=_loc(file, text, str(key)),
                              rule="unknown-setting", hint=f"did you mean '{hint}'?" if hint
                              else "known settings: " + ", ".join(KAFKA_KEYS))
    security = _build(KafkaSecurity, {k: v for k, v in kafka.items() if k != "bootstrap"}, file, text, "kafka")
    check_kafka_security(security, lambda key: _loc(file, text, key))
    folders = {key: _project_folder(root, data, key, file, text) for key in ("sql", "udfs", "models")}
    target = str(data.get("target", "embedded"))
    if target not in TARGETS:
        hint = did_you_mean(target, TARGETS)
        raise ConfigError(f"unknown target '{target}'", location=_value_loc(file, text, "target", target),
                          rule="unknown-target",
                          hint=f"did you mean '{hint}'?" if hint else "targets: " + ", ".join(TARGETS))
    cfg = Config(
        root=root,
        name=str(data.get("name") or root.name),
        sql_dir=folders["sql"],
        udfs_dir=folders["udfs"],
        models_dir=folders["models"],
        target=target,
        kafka_bootstrap=str(kafka.get("bootstrap", "localhost:9092")),
        kafka=security,
        flink={str(k): str(v) for k, v in _section(data, "flink", dict, file, text).items()},
        vars={str(k): str(v) for k, v in _section(data, "vars", dict, file, text).items()},
        requirements=tuple(str(r) for r in _section(data, "requirements", list, file, text)),
        file=file if file.exists() else None,
        **{name: _build(cls, targets.get(name), file, text, f"targets.{name}") for name, cls in _SECTIONS.items()},
    )
    cfg = apply_env(cfg, overrides)
    add_secret(*cfg.secrets())
    return cfg


def _project_folder(root: Path, data: Mapping[str, Any], key: str, file: Path, text: str) -> Path:
    """The ``sql:``/``udfs:``/``models:`` folder, which must lie inside the project (a job ships
    udfs/ and models/ to the cluster: nothing from outside may travel with it)."""
    value = Path(str(data.get(key, key)))
    if not within(root, root / value):
        raise ConfigError(f"'{key}: {value}' points outside the project ({root})",
                          location=_value_loc(file, text, key, str(data.get(key))), rule="path-outside-project",
                          hint=f"keep {key}/ inside the project folder (not '..', an absolute path elsewhere, "
                               "or a symlink out of it)")
    return value


def apply_env(cfg: Config, overrides: Mapping[str, Any] | None = None) -> Config:
    """Environment variables (and explicit overrides, e.g. from CLI flags) win over the file."""
    env = dict(os.environ)
    env.update({k: str(v) for k, v in (overrides or {}).items() if v is not None})
    if env.get("SQLFLOW_TARGET"):
        cfg = replace(cfg, target=env["SQLFLOW_TARGET"])
    if env.get("KAFKA_BOOTSTRAP"):
        cfg = replace(cfg, kafka_bootstrap=env["KAFKA_BOOTSTRAP"])
    if env.get("SQLFLOW_REST_PORT"):
        port = _env_int(env, "SQLFLOW_REST_PORT")
        cfg = replace(cfg, embedded=replace(cfg.embedded, rest_port=port), local=replace(cfg.local, rest_port=port))
    if env.get("SQLFLOW_REST_URL"):
        cfg = replace(cfg, remote=replace(cfg.remote, rest_url=env["SQLFLOW_REST_URL"]))
    if env.get("SQLFLOW_PARALLELISM"):
        p = _env_int(env, "SQLFLOW_PARALLELISM")
        cfg = replace(cfg, embedded=replace(cfg.embedded, parallelism=p), local=replace(cfg.local, parallelism=p),
                      remote=replace(cfg.remote, parallelism=p))
    if env.get("SQLFLOW_KAFKA_CHECK"):
        cfg = replace(cfg, kafka=replace(cfg.kafka, check=env["SQLFLOW_KAFKA_CHECK"].lower()
                                         not in ("0", "false", "no", "off")))
    if env.get(SECRETS_FILE_ENV):
        path = Path(env[SECRETS_FILE_ENV])
        cfg = replace(cfg, secrets_file=path, secret_values=read_secrets_file(path, cfg.root))
    if cfg.target not in TARGETS:
        hint = did_you_mean(cfg.target, TARGETS)
        raise ConfigError(f"unknown target '{cfg.target}'", rule="unknown-target",
                          hint=f"did you mean '{hint}'?" if hint else "targets: " + ", ".join(TARGETS))
    return cfg


def resolve_settings(root: Path | None = None, target: str | None = None,
                     rest_url: str | None = None) -> TargetSettings:
    """The settings of ``target`` (flag, else $SQLFLOW_TARGET, else sqlflow.yaml's ``target``)
    of the project at ``root``."""
    cfg = load_config(root, overrides={"SQLFLOW_TARGET": target, "SQLFLOW_REST_URL": rest_url})
    return cfg.target_settings(target, rest_url)
