"""Connector checks: unknown connector or format, missing or unknown options, upsert keys.

Four rules share the table of :mod:`sqlflow.compiler.connectors`; each is
its own class with its own id.
"""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.catalog import TableDef
from sqlflow.compiler.connectors import CONNECTORS, FORMATS, datagen_field, formats_in
from sqlflow.compiler.rules.base import Rule, suggest
from sqlflow.errors import ValidationError


def _tables(project: Project) -> Iterable[TableDef]:
    for s in project.statements:
        if s.kind == "table" and isinstance(s.definition, TableDef):
            yield s.definition


def _option_loc(t: TableDef, key: str):
    return t.option_locations.get(key, t.location)


class UnknownConnector(Rule):
    id = "unknown-connector"
    description = "every table names a connector sqlflow knows, and a known format"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for t in _tables(project):
            name = t.connector
            if name is None:
                if t.options or not t.columns:
                    yield self.diag(f"table '{t.name}' has no 'connector' option", t.location,
                                    "add 'connector' = '...' to its WITH clause")
                continue
            if name not in CONNECTORS:
                if "connector" in t.inherited_options:
                    continue  # reported at the LIKE base
                yield self.diag(f"unknown connector '{name}'", _option_loc(t, "connector"),
                                suggest(name, CONNECTORS) or f"known connectors: {', '.join(sorted(CONNECTORS))}")
                continue
            for key in ("format", "key.format", "value.format"):
                fmt = t.options.get(key)
                if fmt is not None and fmt not in FORMATS and key not in t.inherited_options:
                    yield self.diag(f"unknown format '{fmt}'", _option_loc(t, key), suggest(fmt, FORMATS))


class MissingOption(Rule):
    id = "missing-option"
    description = "every option the connector requires is set"

    def check(self, project: Project) -> Iterable[ValidationError]:
        read = {id(d) for s in project.statements for d, _ in s.facts.reads}
        for t in _tables(project):
            spec = CONNECTORS.get(t.connector or "")
            if spec is None:
                continue
            for group in spec.required:
                if not any(k in t.options for k in group):
                    either = " or ".join(f"'{k}'" for k in group)
                    typo = _near_miss(group, t.options, lambda k: k in spec.optional or k == "connector")
                    if typo is not None:  # the option is there, misspelled: point at it
                        yield self.diag(f"connector '{spec.name}' needs option {either}", _option_loc(t, typo[0]),
                                        f"'{typo[0]}' is not an option: did you mean '{typo[1]}'?")
                        continue
                    yield self.diag(f"connector '{spec.name}' needs option {either}",
                                    _option_loc(t, "connector"))
            if (spec.name == "kafka" and id(t) in read and "properties.group.id" not in t.options
                    and t.options.get("scan.startup.mode", "group-offsets") == "group-offsets"):
                yield self.diag("connector 'kafka' needs option 'properties.group.id' to read from committed "
                                "offsets (scan.startup.mode 'group-offsets', the default)",
                                _option_loc(t, "connector"),
                                "set 'properties.group.id', or 'scan.startup.mode' = 'earliest-offset'")
            if spec.needs_primary_key and not t.primary_key:
                yield self.diag(f"connector '{spec.name}' needs a PRIMARY KEY", t.location,
                                "add PRIMARY KEY (...) NOT ENFORCED to the columns")


def _format_option(key: str) -> bool:
    """``json.ignore-parse-errors``, ``value.csv.field-delimiter``: an option of some format."""
    return any(key.startswith(f"{scope}{f}.") for f in FORMATS for scope in ("", "key.", "value."))


def _near_miss(group, options, known) -> tuple[str, str] | None:
    """A set option that is not one the connector names but a near spelling of one in ``group``
    (``properties.bootstrap.server``: ``properties.*`` passes through to Kafka, so it is not
    unknown), and that option."""
    import difflib

    for key in options:
        if key in group or known(key):
            continue
        close = difflib.get_close_matches(key.lower(), list(group), n=1, cutoff=0.75)
        if close:
            return key, close[0]
    return None


class UnknownOption(Rule):
    id = "unknown-option"
    description = "every option is one the connector or its format reads"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for t in _tables(project):
            spec = CONNECTORS.get(t.connector or "")
            if spec is None:
                continue
            formats = formats_in(t.options)
            columns = [c.name for c in t.columns]
            misspelt = {typo[0] for group in spec.required if not any(k in t.options for k in group)
                        if (typo := _near_miss(group, t.options, lambda k: k in spec.optional or k == "connector"))}
            for key in t.options:
                if key in t.inherited_options or key in misspelt:
                    continue  # checked where the LIKE base sets it; a misspelt required key: missing-option says so
                if spec.formats and not formats and _format_option(key):
                    continue  # 'json.*' without 'format': missing-option names the cause
                if spec.name == "datagen" and key.startswith("fields."):
                    field = datagen_field(key)
                    if field is None:
                        yield self.diag(f"unknown option '{key}' for connector 'datagen'", _option_loc(t, key),
                                        "use fields.<column>.kind|min|max|length|start|end|null-rate")
                    elif field[0] not in columns:
                        yield self.diag(f"option '{key}' names no column of '{t.name}'", _option_loc(t, key),
                                        suggest(field[0], columns))
                    continue
                if not spec.known(key, formats):
                    yield self.diag(f"unknown option '{key}' for connector '{spec.name}'", _option_loc(t, key),
                                    suggest(key, spec.all_keys()))
