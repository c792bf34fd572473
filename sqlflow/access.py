"""How sqlflow reaches Kafka and Flink's REST API (TLS, SASL, credentials), and the secrets file.

``sqlflow.yaml`` holds these settings with their secrets as ``${NAME}`` references;
:mod:`sqlflow.config` substitutes them and hands out the resolved objects here:

- :class:`KafkaConnection`: the bootstrap servers and security options of sqlflow's own
  Kafka clients (the review queue, the demo's readers, ``sqlflow.testing``), in
  kafka-python's names (``security_protocol``, ``sasl_*``, ``ssl_*``);
- :class:`RestAccess`: TLS (a CA file, a client certificate) and credentials (a bearer
  token or basic auth, for a proxy in front of Flink) of the remote target's REST API.

The secrets file (``SQLFLOW_SECRETS_FILE``) is read by :func:`read_secrets_file`: a YAML
mapping of ``NAME: value``, or ``NAME=value`` lines when its name ends in ``.env``. It must
lie outside the project (so it is never committed or shipped with a job); its values fill
``${NAME}`` references and are never written anywhere or shown.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from sqlflow.errors import ConfigError, Location, did_you_mean
from sqlflow.scrub import add_secret

SECRETS_FILE_ENV = "SQLFLOW_SECRETS_FILE"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")

#: What kafka-python and Kafka call the security protocols and SASL mechanisms.
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI")


def read_secrets_file(path: Path, project_root: Path) -> dict[str, str]:
    """The ``NAME -> value`` pairs of a secrets file; its values are registered with the scrubber.

    Errors name the file and line but never show the line (it holds a secret).
    """
    path = Path(path).expanduser()
    where = f"{SECRETS_FILE_ENV}={path}"
    if not path.is_file():
        raise ConfigError(f"{where}: no such file", rule="secrets-file",
                          hint=f"point {SECRETS_FILE_ENV} at a file of NAME: value lines, or unset it")
    real, root = path.resolve(), Path(project_root).resolve()
    if real == root or root in real.parents:
        raise ConfigError(f"{where}: the secrets file lies inside the project ({root})", rule="secrets-file",
                          hint="keep it outside the project folder, so it is never committed or shipped with a job")
    text = path.read_text(encoding="utf-8")
    values: dict[str, str] = {}
    if path.name.endswith(".env"):
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = _ENV_LINE.match(line)
            if m is None:
                raise ConfigError("a line of the secrets file is not NAME=value", rule="secrets-file",
                                  location=Location(str(path), lineno, 1, source=""))
            value = m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[m.group(1)] = value
    else:
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ConfigError("the secrets file is not valid YAML (a mapping of NAME: value)", rule="secrets-file",
                              location=Location(str(path), mark.line + 1 if mark else 0, 1, source="")) from None
        if not isinstance(data, dict):
            raise ConfigError("the secrets file must be a mapping of NAME: value lines", rule="secrets-file",
                              location=Location(str(path), source=""),
                              hint="or name it *.env and write NAME=value lines")
        for name, value in data.items():
            if isinstance(value, (dict, list)):
                raise ConfigError(f"secret {name!s} must be a single value", rule="secrets-file",
                                  location=Location(str(path), source=""))
            values[str(name)] = "" if value is None else str(value)
    for name in values:
        if not _NAME.match(name):
            raise ConfigError(f"{name!r} in the secrets file is not a ${{NAME}} name (letters, digits, _)",
                              rule="secrets-file", location=Location(str(path), source=""))
    add_secret(*values.values())
    return values


@dataclass(frozen=True)
class KafkaSecurity:
    """The ``kafka:`` settings of sqlflow.yaml beyond ``bootstrap``, as written (``${NAME}`` unresolved)."""

    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = ""
    sasl_username: str = ""
    sasl_password: str = field(default="", repr=False)
    ssl_cafile: str = ""
    ssl_certfile: str = ""
    ssl_keyfile: str = ""
    ssl_password: str = field(default="", repr=False)
    ssl_check_hostname: bool = True
    check: bool = True  # check that the brokers a job names answer before it is submitted


KAFKA_KEYS = ("bootstrap", *(f for f in KafkaSecurity.__dataclass_fields__))


@dataclass(frozen=True)
class KafkaConnection:
    """Where sqlflow's own Kafka clients connect and how they authenticate (secrets resolved)."""

    bootstrap: str
    security: KafkaSecurity = field(default_factory=KafkaSecurity)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python's KafkaConsumer, KafkaProducer and KafkaAdminClient."""
        s = self.security
        out: dict[str, Any] = {"bootstrap_servers": self.bootstrap}
        if s.security_protocol != "PLAINTEXT":
            out["security_protocol"] = s.security_protocol
        if s.security_protocol.startswith("SASL"):
            out["sasl_mechanism"] = s.sasl_mechanism or "PLAIN"
            if s.sasl_username:
                out["sasl_plain_username"] = s.sasl_username
            if s.sasl_password:
                out["sasl_plain_password"] = s.sasl_password
        if s.security_protocol in ("SSL", "SASL_SSL"):
            out["ssl_check_hostname"] = s.ssl_check_hostname
            for key in ("ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_password"):
                if getattr(s, key):
                    out[key] = getattr(s, key)
        return out


def kafka_options(target: str | KafkaConnection) -> dict[str, Any]:
    """kafka-python keyword arguments for a bootstrap string (no security) or a :class:`KafkaConnection`."""
    if isinstance(target, KafkaConnection):
        return target.client_options()
    return {"bootstrap_servers": target}


def bootstrap_of(target: str | KafkaConnection) -> str:
    """The bootstrap servers of ``target``, for messages."""
    return target.bootstrap if isinstance(target, KafkaConnection) else target


def check_kafka_security(sec: KafkaSecurity, locate: Any) -> None:
    """Refuse settings Kafka would refuse later with a less clear message; ``locate(key)`` gives a
    key's Location in sqlflow.yaml."""
    if sec.security_protocol not in SECURITY_PROTOCOLS:
        near = did_you_mean(sec.security_protocol, SECURITY_PROTOCOLS)
        raise ConfigError(f"kafka.security_protocol must be one of {', '.join(SECURITY_PROTOCOLS)}, "
                          f"not {sec.security_protocol!r}", location=locate("security_protocol"),
                          rule="bad-setting", hint=f"did you mean '{near}'?" if near else None)
    if sec.sasl_mechanism and sec.sasl_mechanism not in SASL_MECHANISMS:
        near = did_you_mean(sec.sasl_mechanism, SASL_MECHANISMS)
        raise ConfigError(f"kafka.sasl_mechanism must be one of {', '.join(SASL_MECHANISMS)}, "
                          f"not {sec.sasl_mechanism!r}", location=locate("sasl_mechanism"),
                          rule="bad-setting", hint=f"did you mean '{near}'?" if near else None)
    if sec.sasl_mechanism and not sec.security_protocol.startswith("SASL"):
        raise ConfigError(f"kafka.sasl_mechanism is set but kafka.security_protocol is {sec.security_protocol}",
                          location=locate("sasl_mechanism"), rule="bad-setting",
                          hint="set security_protocol: SASL_SSL (or SASL_PLAINTEXT)")


@dataclass(frozen=True)
class RestAccess:
    """TLS and credentials for a Flink REST endpoint (secrets resolved).

    ``ca_file`` (PEM) verifies an https endpoint; ``verify: false`` skips that for sqlflow's own
    REST calls. ``client_cert``/``client_key`` (PEM) are a client certificate for sqlflow's calls,
    ``keystore`` (PKCS12 or JKS) the same for Flink's Java client that submits jobs. ``token`` is
    sent as ``Authorization: Bearer``, ``username``/``password`` as basic auth (a proxy in front
    of Flink checks them; Flink itself has no REST authentication).
    """

    ca_file: str = ""
    verify: bool = True
    client_cert: str = ""
    client_key: str = ""
    keystore: str = ""
    keystore_password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    username: str = ""
    password: str = field(default="", repr=False)

    def headers(self) -> dict[str, str]:
        """The HTTP headers every request carries."""
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.username or self.password:
            pair = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            return {"Authorization": f"Basic {pair}"}
        return {}

    def requests_options(self) -> dict[str, Any]:
        """``verify`` and ``cert`` for the requests library."""
        out: dict[str, Any] = {"verify": self.ca_file or self.verify}
        if self.client_cert:
            out["cert"] = (self.client_cert, self.client_key) if self.client_key else self.client_cert
        return out


REST_ACCESS_KEYS = tuple(RestAccess.__dataclass_fields__)


def secret_settings(values: Mapping[str, Any]) -> list[str]:
    """The resolved values among ``values`` whose keys name secrets (to register with the scrubber)."""
    return [str(v) for k, v in values.items() if v and re.search(r"password|token|secret", k)]


__all__ = ["KAFKA_KEYS", "KafkaConnection", "KafkaSecurity", "REST_ACCESS_KEYS", "RestAccess", "SECRETS_FILE_ENV",
           "bootstrap_of", "check_kafka_security", "kafka_options", "read_secrets_file"]
