"""Reading a raw line back against its documented schema.

:func:`check_line` parses one line of a source, checks it against
:mod:`sqlflow.gen.schema` and says how it is broken, with the same reason
names the generator records, so tests can confirm that every line is either
clean or broken exactly as the ground truth says. :func:`normalize` maps a
clean impression or click line, JSON or CSV, to the one canonical record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlflow.gen.schema import SOURCES, SPLIT_SOURCES, SourceSchema

_NUMERIC = {"INT": int, "BIGINT": int, "DOUBLE": float}


@dataclass(frozen=True)
class LineCheck:
    """A parsed line: its fields (None if unreadable) and the reason it is broken, if it is."""

    record: dict | None
    reason: str | None = None
    field: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


def _is_id(name: str) -> bool:
    return name.endswith("_id") or name.endswith("Id")


def parse_csv_time(text: str) -> int:
    """Epoch millis of a CSV source's time text; ValueError if it is not in that format."""
    if len(text) != 24 or not text.endswith("Z") or text[10] != "T" or text[19] != ".":
        raise ValueError(f"not a CSV source time: {text!r}")
    dt = datetime.strptime(text[:-1], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
    return int(round(dt.timestamp() * 1000))


def check_line(source: str, line: str) -> LineCheck:
    """Parse and check one line of ``source`` (reasons as in ``BROKEN_REASONS``)."""
    schema = SOURCES[source]
    if schema.format == "csv":
        values = line.split(",")
        if len(values) < len(schema.fields):
            return LineCheck(None, "truncated")
        if len(values) > len(schema.fields):
            return LineCheck(None, "wrong_shape")
        record: dict = dict(zip(schema.names, values))
    else:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return LineCheck(None, "truncated")
        if not isinstance(record, dict):
            return LineCheck(None, "wrong_shape")
    return _check_fields(schema, record)


def _check_fields(schema: SourceSchema, record: dict) -> LineCheck:
    is_csv = schema.format == "csv"
    extra = set(record) - set(schema.names)
    if extra:
        return LineCheck(record, "unknown_field", sorted(extra)[0])
    for f in schema.fields:
        if _is_id(f.name) and record.get(f.name) in (None, ""):
            return LineCheck(record, "missing_id", f.name)
    for f in schema.fields:
        if f.name not in record or record[f.name] is None:
            return LineCheck(record, "missing_field", f.name)
    t = schema.time_field
    if t is not None:
        v = record[t]
        if is_csv:
            try:
                parse_csv_time(v)
            except ValueError:
                return LineCheck(record, "bad_time", t)
        elif not isinstance(v, int) or isinstance(v, bool):
            return LineCheck(record, "bad_time", t)
    for f in schema.fields:
        if f.name != t and not _type_ok(f.flink_type, record[f.name], is_csv):
            return LineCheck(record, "wrong_type", f.name)
    if "price" in record and float(record["price"]) < 0:
        return LineCheck(record, "negative_price", "price")
    return LineCheck(record)


def _type_ok(flink_type: str, v: object, is_csv: bool) -> bool:
    if is_csv:
        kind = _NUMERIC.get(flink_type)
        if kind is None:
            return True
        try:
            kind(v)
        except ValueError:
            return False
        return True
    if flink_type in ("INT", "BIGINT"):
        return isinstance(v, int) and not isinstance(v, bool)
    if flink_type == "DOUBLE":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if flink_type == "STRING":
        return isinstance(v, str)
    if flink_type == "BOOLEAN":
        return isinstance(v, bool)
    if flink_type.startswith("ARRAY"):
        return isinstance(v, list) and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
    raise ValueError(f"no check for type {flink_type}")


def normalize(source: str, record: dict) -> dict:
    """A clean impression or click record as its canonical snake_case form, times in epoch millis."""
    kind = SOURCES[source].kind
    json_src, csv_src = SPLIT_SOURCES[kind]
    canon = SOURCES[csv_src]
    names = SOURCES[source].names
    out = {}
    for name, f in zip(names, canon.fields):
        v = record[name]
        if f.name == canon.time_field:
            v = parse_csv_time(v) if source == csv_src else int(v)
        elif f.flink_type in _NUMERIC:
            v = _NUMERIC[f.flink_type](v)
        out[f.name] = v
    return out
