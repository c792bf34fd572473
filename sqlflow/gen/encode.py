"""Turning canonical events into the raw lines of each source, broken or not.

A source's line is one JSON object (names as in its schema) or one CSV row
(columns in schema order). A record picked to be broken is broken in exactly
one way, named by its reason in :data:`sqlflow.gen.schema.BROKEN_REASONS`.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from sqlflow.gen.schema import SOURCES

#: Canonical (snake_case) columns of each split event kind, in schema order.
CANONICAL: dict[str, tuple[str, ...]] = {
    "impression": SOURCES["impressions_csv"].names,
    "click": SOURCES["clicks_csv"].names,
}
#: Fields a ``missing_id`` record may lack.
ID_FIELDS: dict[str, tuple[str, ...]] = {
    "impression": ("impression_id", "user_id", "ad_id"),
    "click": ("click_id", "impression_id", "user_id", "ad_id"),
}
#: The numeric field a ``wrong_type`` record holds text in.
WRONG_TYPE_FIELD: dict[str, str] = {"impression": "ad_position", "click": "price"}
#: The field a ``negative_price`` record breaks.
PRICE_FIELD = "price"
TIME_FIELD = "event_time"

WRONG_TYPE_VALUES = ("top", "n/a", "unknown", "twelve")
BAD_TIMES = ("yesterday", "2026-13-45T25:61:00.000Z", "not a time", "17:03 05/01/2026", "1767571200000ms")

_DUMP = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def iso_times(ms: np.ndarray) -> list[str]:
    """Epoch millis as the CSV sources' UTC text, e.g. ``2026-01-05T00:00:01.234Z``."""
    if len(ms) == 0:
        return []
    text = np.datetime_as_string(np.asarray(ms, dtype=np.int64).astype("datetime64[ms]"), unit="ms")
    return [s + "Z" for s in text.tolist()]


def encode_split(
    kind: str, source: str, events: pd.DataFrame, reasons: list[str], rng: np.random.Generator
) -> tuple[list[str], list[str]]:
    """Lines of ``events`` (one per row) for an impression or click source.

    ``reasons[k]`` is "" for a clean record, else the way row ``k`` breaks.
    Returns the lines and, per line, the field that was broken ("" if none).
    """
    canon = CANONICAL[kind]
    schema = SOURCES[source]
    is_csv = schema.format == "csv"
    cols = [events[c].tolist() for c in canon]
    if is_csv:
        cols[canon.index(TIME_FIELD)] = iso_times(events[TIME_FIELD].to_numpy())
    names = schema.names
    fast = _template(schema)
    lines: list[str] = []
    fields: list[str] = []
    for values, reason in zip(zip(*cols), reasons):
        if not reason:
            lines.append(fast % values)
            fields.append("")
            continue
        row = list(values)
        field = _break(kind, row, canon, reason, rng, is_csv)
        line = _format(row, names, is_csv)
        lines.append(_truncate(line, rng, is_csv) if reason == "truncated" else line)
        fields.append(field)
    return lines, fields


def _template(schema) -> str:
    """A %-format template of one clean line of ``schema``.

    Five times faster than building a dict for ``json.dumps``; it relies on
    the generator's values: ids, codes and versions hold no character that
    JSON or CSV would escape, floats print as ``repr`` (as ``json`` does),
    and free text, booleans and arrays arrive already rendered (see
    :func:`encode_plain`).
    """
    if schema.format == "csv":
        return ",".join("%s" for _ in schema.fields)
    parts = []
    for f in schema.fields:
        if f.flink_type == "STRING" and f.name != "text":
            parts.append(f'"{f.name}":"%s"')
        elif f.flink_type in ("INT", "BIGINT"):
            parts.append(f'"{f.name}":%d')
        elif f.flink_type == "DOUBLE":
            parts.append(f'"{f.name}":%r')
        else:  # pre-rendered JSON: text, BOOLEAN, ARRAY
            parts.append(f'"{f.name}":%s')
    return "{" + ",".join(parts) + "}"


def _format(row: list, names: tuple[str, ...], is_csv: bool) -> str:
    if is_csv:
        return ",".join("" if v is None else str(v) for v in row)
    return _DUMP({k: v for k, v in zip(names, row) if v is not _ABSENT})


class _Absent:
    """Marks a JSON key left out of the object."""


_ABSENT = _Absent()


def _break(kind: str, row: list, canon: tuple[str, ...], reason: str, rng: np.random.Generator, is_csv: bool) -> str:
    """Break ``row`` in place for ``reason``; return the field broken."""
    if reason == "missing_id":
        field = ID_FIELDS[kind][int(rng.integers(0, len(ID_FIELDS[kind])))]
        row[canon.index(field)] = "" if is_csv else _ABSENT
    elif reason == "negative_price":
        field = PRICE_FIELD
        k = canon.index(field)
        row[k] = -row[k]
    elif reason == "bad_time":
        field = TIME_FIELD
        row[canon.index(field)] = BAD_TIMES[int(rng.integers(0, len(BAD_TIMES)))]
    elif reason == "wrong_type":
        field = WRONG_TYPE_FIELD[kind]
        row[canon.index(field)] = WRONG_TYPE_VALUES[int(rng.integers(0, len(WRONG_TYPE_VALUES)))]
    elif reason == "truncated":
        field = ""
    else:
        raise ValueError(f"unknown broken reason {reason!r}")
    return field


def _truncate(line: str, rng: np.random.Generator, is_csv: bool) -> str:
    """A proper prefix of ``line``: never valid JSON; for CSV, fewer columns."""
    if is_csv:
        last_comma = line.rindex(",")
        return line[: int(rng.integers(1, last_comma + 1))]
    return line[: int(rng.integers(1, len(line)))]


def encode_plain(source: str, events: pd.DataFrame) -> list[str]:
    """JSON lines of a clean source whose schema names equal the frame's columns."""
    schema = SOURCES[source]
    cols = []
    for f in schema.fields:
        values = events[f.name].tolist()
        if f.flink_type == "BOOLEAN":
            values = ["true" if v else "false" for v in values]
        elif f.flink_type.startswith("ARRAY"):
            values = ["[" + ",".join(map(repr, v)) + "]" for v in values]
        elif f.name == "text":
            values = [_DUMP(v) for v in values]
        cols.append(values)
    fast = _template(schema)
    return [fast % values for values in zip(*cols)]
