"""Kafka TLS/SASL options that Flink would only refuse at run time, and secrets written into SQL.

kafka-security (error): ``properties.security.protocol`` and ``properties.sasl.mechanism`` take
Kafka's values; a SASL mechanism needs a SASL protocol; ``properties.sasl.jaas.config`` must name
the login module as the Kafka SQL connector jar holds it: the jar relocates Kafka's classes under
``org.apache.flink.kafka.shaded.``, so ``org.apache.kafka.common.security.plain.PlainLoginModule``
is not found when the job runs ("No LoginModule found").

secret-in-sql (warning): the value of an option that holds a secret (a password, a token, a key,
a JAAS config's password) is written into the SQL file, or comes from a ``${NAME}`` whose name
does not look secret: it would be stored in the deployment record and could be shown. The fix is
a ``${NAME}`` that looks secret (``*_PASSWORD``, ``*_SECRET``, ``*_TOKEN``, ``*_KEY``) or comes
from the secrets file (``SQLFLOW_SECRETS_FILE``).
"""

from __future__ import annotations

import re
from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.catalog import TableDef
from sqlflow.compiler.project import SourceFile
from sqlflow.compiler.rules.base import Rule, suggest
from sqlflow.errors import ValidationError

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI", "OAUTHBEARER")
SHADED = "org.apache.flink.kafka.shaded."
_KAFKA = ("kafka", "upsert-kafka")
_UNSHADED_MODULE = re.compile(r"(?<![\w.])(org\.apache\.kafka\.common\.security\.[\w.]+LoginModule)")
_SECRET_KEY = re.compile(r"(?i)(?:^|[._\-])(?:password|passwd|secret|token|credentials?|access[._-]?key|"
                         r"secret[._-]?key|private[._-]?key)(?:$|[._\-])")
_JAAS_SECRET = re.compile(r"(?i)\b(password|secret|token)\s*=\s*\"([^\"]*)\"")


def _tables(project: Project) -> Iterable[TableDef]:
    for s in project.statements:
        if s.kind == "table" and isinstance(s.definition, TableDef):
            yield s.definition


class KafkaSecurity(Rule):
    id = "kafka-security"
    description = "Kafka tables' TLS and SASL options take Kafka's values and the connector jar's login modules"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for t in _tables(project):
            if t.connector not in _KAFKA:
                continue
            opts, where = t.options, lambda k: t.option_locations.get(k, t.location)
            protocol = opts.get("properties.security.protocol")
            if protocol is not None and protocol not in PROTOCOLS:
                yield self.diag(f"'properties.security.protocol' must be one of {', '.join(PROTOCOLS)}, "
                                f"not '{protocol}'", where("properties.security.protocol"),
                                suggest(protocol.upper(), PROTOCOLS))
            mechanism = opts.get("properties.sasl.mechanism")
            if mechanism is not None and mechanism not in MECHANISMS:
                yield self.diag(f"'properties.sasl.mechanism' must be one of {', '.join(MECHANISMS)}, "
                                f"not '{mechanism}'", where("properties.sasl.mechanism"),
                                suggest(mechanism.upper(), MECHANISMS))
            if mechanism is not None and not (protocol or "").startswith("SASL_"):
                yield self.diag("'properties.sasl.mechanism' is set, but 'properties.security.protocol' is "
                                f"{repr(protocol) if protocol else 'not set (PLAINTEXT)'}",
                                where("properties.sasl.mechanism"),
                                "set 'properties.security.protocol' = 'SASL_SSL' (or 'SASL_PLAINTEXT')")
            jaas = opts.get("properties.sasl.jaas.config", "")
            m = _UNSHADED_MODULE.search(jaas)
            if m and not jaas[:m.start()].endswith(SHADED):
                yield self.diag(f"the Kafka SQL connector jar holds Kafka's classes under '{SHADED}': "
                                f"'{m.group(1)}' is not found when the job runs",
                                where("properties.sasl.jaas.config"),
                                f"write '{SHADED}{m.group(1)}'")


class SecretInSql(Rule):
    id = "secret-in-sql"
    severity = "warning"
    description = "secret option values come from a ${NAME} that is a secret, not from the SQL text"

    def check(self, project: Project) -> Iterable[ValidationError]:
        files = {f.rel: f for f in project.files}
        for t in _tables(project):
            f = files.get(t.file)
            if f is None:
                continue
            for key, value in t.options.items():
                if key in t.inherited_options:
                    continue
                where = t.option_locations.get(key, t.location)
                if key.endswith("sasl.jaas.config"):
                    for m in _JAAS_SECRET.finditer(value):
                        if m.group(2) and not _from_secret(f, where.line if where else 0, m.group(2)):
                            yield self._found(f"the {m.group(1)} in '{key}'", where, f, m.group(2))
                elif _SECRET_KEY.search(key) and value and not _from_secret(f, where.line if where else 0, value):
                    yield self._found(f"the value of '{key}'", where, f, value)

    def _found(self, what: str, where, f: SourceFile, value: str) -> ValidationError:
        names = sorted({s.name for s in f.substitutions if s.value and s.value in value and not s.secret})
        if names:
            return self.diag(f"{what} comes from ${{{names[0]}}}, whose name does not look like a secret, so its "
                             "value would be stored and shown", where,
                             f"rename it to end in _PASSWORD, _SECRET, _TOKEN or _KEY, or put it in the secrets "
                             f"file (SQLFLOW_SECRETS_FILE)")
        return self.diag(f"{what} is written into the SQL", where,
                         "reference it as ${NAME} (a name ending in _PASSWORD, _SECRET or _TOKEN) and set it in the "
                         "environment or the secrets file (SQLFLOW_SECRETS_FILE)")


def _from_secret(f: SourceFile, line: int, value: str) -> bool:
    """Whether ``value`` (on or just after ``line``) is made of the values of secret ``${NAME}`` references."""
    rest = value
    for s in f.substitutions:
        if s.secret and s.value and line <= s.line <= line + 2:
            rest = rest.replace(s.value, "")
    return re.search(r"[A-Za-z0-9]", rest) is None
