"""The format a swapped source reads, and its rows written as a producer of that format writes them.

A source keeps its table's own format and format options wherever Flink's
filesystem connector reads that format one record per line: ``json`` (with
its ``json.*`` options), ``csv`` (``csv.*``) and ``raw``. The rows of the test
are written as a producer would write them to the real topic: text as the
test file wrote it, numbers as numbers, and times as the text written (not
converted), so that Flink's own decoder accepts or refuses them as it would
in production (:mod:`sqlflow.sqltest.shapes` says why before the job starts).

A changelog source (``upsert-kafka``, or a CDC format) reads ``debezium-json``
changes built from the rows, with the json options of its value format.
Every other table (formats the filesystem cannot read line by line, such as
avro or protobuf, and connectors without a format, such as datagen or jdbc)
takes the JSON route: the values are converted to the column types first
(times as text or epoch milliseconds), then read as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from sqlflow.compiler.catalog import Column, TableDef
from sqlflow.compiler.types import FlinkType
from sqlflow.sqltest.values import BadValue, to_input

#: Formats whose records are changes (insert, update, delete), not plain rows.
CHANGELOG_FORMATS = ("debezium-json", "canal-json", "maxwell-json", "ogg-json", "debezium-avro-confluent")
#: Formats read through json's rules, and the options debezium-json takes from them.
_JSON_FAMILY = ("json", "debezium-json", "canal-json", "maxwell-json", "ogg-json")
_DEBEZIUM_OPTIONS = ("timestamp-format.standard", "ignore-parse-errors", "map-null-key.mode",
                     "map-null-key.literal", "encode.decimal-as-plain-number", "encode.ignore-null-fields")
#: What a null partition value becomes in a path ('partition.default-name').
DEFAULT_PARTITION = "__DEFAULT_PARTITION__"
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


def declared_format(table: TableDef) -> tuple[str, str]:
    """The table's (value) format and the prefix of its options: ``('json', 'json.')`` for
    ``'format' = 'json'``, ``('json', 'value.json.')`` for ``'value.format' = 'json'``."""
    if table.options.get("format"):
        fmt = table.options["format"]
        return fmt, f"{fmt}."
    fmt = table.options.get("value.format", "")
    return fmt, f"value.{fmt}." if fmt else ""


def is_changelog_source(table: TableDef) -> bool:
    """True when the table's rows are upserts or changes rather than appends."""
    return table.connector == "upsert-kafka" or declared_format(table)[0] in CHANGELOG_FORMATS


@dataclass(frozen=True)
class SourceFormat:
    """How a swapped source reads the test's rows.

    ``name`` is the format it reads (json, csv, raw or debezium-json) with
    ``options`` (without the ``<format>.`` prefix); ``exact`` says the rows
    go through the table's own format as a producer writes them, rather than
    the JSON route; ``declared`` is the table's own format ('' for none).
    """

    name: str
    declared: str
    exact: bool
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def changelog(self) -> bool:
        return self.name == "debezium-json"

    def with_options(self) -> dict[str, str]:
        """The format's WITH options: ``{'format': 'csv', 'csv.field-delimiter': ';'}``."""
        return {"format": self.name, **{f"{self.name}.{k}": v for k, v in self.options.items()}}

    def describe(self) -> str:
        """How the rows are read, for messages: ``json``, or ``json (the JSON route for avro)``."""
        if self.exact or not self.declared:
            return self.name
        return f"{self.name} (the JSON route, for '{self.declared}')"


def payload_columns(table: TableDef) -> list[Column]:
    """The columns a row of the swapped source holds: physical and metadata ones (which become plain),
    less the partition columns of a partitioned table (they are in the file's path)."""
    return [c for c in table.columns if c.kind != "computed" and c.name not in table.partitioned_by]


def source_format(table: TableDef, rows: Sequence[Mapping[str, Any]] = ()) -> SourceFormat:
    """The format the swapped source of ``table`` reads, given the rows it will hold."""
    fmt, prefix = declared_format(table)
    own = {k[len(prefix):]: v for k, v in table.options.items() if prefix and k.startswith(prefix)}
    if is_changelog_source(table):
        if fmt in _JSON_FAMILY:
            return SourceFormat("debezium-json", fmt, True, {k: v for k, v in own.items() if k in _DEBEZIUM_OPTIONS})
        return SourceFormat("debezium-json", fmt, False)
    if fmt in ("json", "csv"):
        return SourceFormat(fmt, fmt, True, own)
    columns = payload_columns(table)
    if fmt == "raw" and len(columns) == 1 and columns[0].kind == "physical" \
            and columns[0].type.root in ("VARCHAR", "CHAR") and own.get("charset", "UTF-8").upper() == "UTF-8" \
            and all(isinstance(r.get(columns[0].name), str) and "\n" not in r[columns[0].name]
                    and "\r" not in r[columns[0].name] for r in rows):
        return SourceFormat("raw", fmt, True, own)
    return SourceFormat("json", fmt, False)


# ---------------------------------------------------------------- writing rows


@dataclass(frozen=True)
class Cell:
    """One value of an input row: as YAML typed it, and the text written for it (for values YAML
    turns into dates, times or numbers); ``given`` is False for a column the row leaves out."""

    value: Any
    text: str | None = None
    given: bool = True


def typed_value(value: Any, ftype: FlinkType, fmt: SourceFormat) -> Any:
    """A value converted to its column type in the form the format reads (the JSON route, and metadata
    columns, whose values no producer writes); raises BadValue."""
    result = to_input(value, str(ftype))
    iso = fmt.options.get("timestamp-format.standard", "SQL").upper() == "ISO-8601" and fmt.name != "csv"
    if iso and isinstance(result, str) and ftype.root in ("TIMESTAMP", "TIMESTAMP_LTZ"):
        return result.replace(" ", "T", 1)
    return result


def json_text(value: Any, text: str | None = None) -> str:
    """``value`` as JSON text, written as the test file wrote it: a number keeps its digits (``1.50``),
    a date or time YAML typed is the text written, not converted."""
    if isinstance(value, (dt.date, dt.time)):
        return json.dumps(text if text is not None else value.isoformat())
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        if text is not None and _JSON_NUMBER.fullmatch(text):
            return text
        if isinstance(value, float) and not math.isfinite(value):
            return json.dumps(str(value))
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(json_text(v) for v in value) + "]"
    return json.dumps(value if isinstance(value, str) else str(value))


def csv_field(value: Any, text: str | None, ftype: FlinkType, options: Mapping[str, str]) -> str | None:
    """The text of one csv field as a producer writes it (None: null, with no null literal)."""
    if value is None:
        return options.get("null-literal")
    if text is not None:
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        delimiter = options.get("array-element-delimiter", ";")
        element = ftype.args[0] if ftype.args else ftype
        return delimiter.join(csv_field(v, None, element, options) or "" for v in value)
    if isinstance(value, Mapping):
        delimiter = options.get("array-element-delimiter", ";")
        return delimiter.join(csv_field(v, None, ftype, options) or "" for v in value.values())
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def csv_line(fields: Sequence[str | None], options: Mapping[str, str]) -> str:
    """One csv record: fields joined by the delimiter, quoted where the text needs it."""
    delimiter = options.get("field-delimiter", ",")
    quoting = options.get("disable-quote-character", "false").lower() != "true"
    quote = options.get("quote-character", '"')
    comments = options.get("allow-comments", "false").lower() == "true"
    out = []
    for i, text in enumerate(fields):
        text = "" if text is None else text
        special = (delimiter in text or "\n" in text or "\r" in text or (quoting and quote in text)
                   or (comments and i == 0 and text.startswith("#")))
        if quoting and special:
            text = quote + text.replace(quote, quote * 2) + quote
        out.append(text)
    return delimiter.join(out)


_PATH_ESCAPED = set('"#%\'*/:=?\\\x7f{[]^')


def partition_dir(values: Sequence[tuple[str, Any]]) -> str:
    """The folder of one partition, as Flink's filesystem connector names it (``dt=2024-01-01``)."""
    parts = []
    for name, value in values:
        text = DEFAULT_PARTITION if value is None or value == "" else str(value)
        escaped = "".join(f"%{ord(c):02X}" if c in _PATH_ESCAPED or ord(c) < 32 else c for c in text)
        parts.append(f"{name}={escaped}")
    return "/".join(parts)


def write_lines(directory: Path, lines: Sequence[tuple[str, str]], extension: str) -> None:
    """Write ``(partition folder, line)`` pairs: one file per partition, rows in the given order."""
    by_folder: dict[str, list[str]] = {} if lines else {"": []}  # no rows: an empty file
    for folder, line in lines:
        by_folder.setdefault(folder, []).append(line)
    for folder, folder_lines in by_folder.items():
        target = directory / folder if folder else directory
        target.mkdir(parents=True, exist_ok=True)
        (target / f"rows.{extension}").write_text("".join(f"{line}\n" for line in folder_lines), encoding="utf-8")


__all__ = ["BadValue", "CHANGELOG_FORMATS", "Cell", "SourceFormat", "csv_field", "csv_line", "declared_format",
           "is_changelog_source", "json_text", "partition_dir", "payload_columns", "source_format",
           "typed_value", "write_lines"]
