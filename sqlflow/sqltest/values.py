"""Values between the test file, the input files and the rows Flink returns.

Expected values (and the values of metadata columns and of tables on the
JSON route, see :mod:`sqlflow.sqltest.formats`) are read leniently: times
are given as strings (``2024-01-01 00:00:10``, ``2024-01-01T00:00:10.5Z``)
or epoch milliseconds, and read as UTC. Every value is brought to one plain
form (``canonical``) before rows are compared, so ``1.50`` equals ``1.5`` in
a DECIMAL column and ``1704067210000`` equals ``2024-01-01 00:00:10``. Input
values of a table's own format are written as given, not converted.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S.%f",
                 "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d")
_INTS = ("TINYINT", "SMALLINT", "INT", "INTEGER", "BIGINT")
_FLOATS = ("FLOAT", "DOUBLE", "REAL")
_DECIMALS = ("DECIMAL", "DEC", "NUMERIC")
_STRINGS = ("STRING", "VARCHAR", "CHAR")
_BYTES = ("BYTES", "BINARY", "VARBINARY")


class BadValue(Exception):
    """A value that does not fit its column's type (message says why)."""


def type_family(type_text: str | None) -> str:
    """timestamp, timestamp_ltz, date, time, int, float, decimal, string, bytes, boolean, array, map, row, other."""
    if not type_text:
        return "other"
    t = type_text.strip().upper()
    head = re.match(r"[A-Z_]+", t)
    word = head.group(0) if head else ""
    if word == "TIMESTAMP_LTZ" or (word == "TIMESTAMP" and "LOCAL TIME ZONE" in t):
        return "timestamp_ltz"
    if word == "TIMESTAMP":
        return "timestamp"
    if word == "DATE":
        return "date"
    if word == "TIME":
        return "time"
    if word in _INTS:
        return "int"
    if word in _FLOATS:
        return "float"
    if word in _DECIMALS:
        return "decimal"
    if word in _STRINGS:
        return "string"
    if word in _BYTES:
        return "bytes"
    if word == "BOOLEAN":
        return "boolean"
    if word in ("ARRAY", "MULTISET"):
        return "array"
    if word == "MAP":
        return "map"
    if word == "ROW":
        return "row"
    return "other"


def parse_time(value: Any) -> dt.datetime:
    """A time given as a string or epoch milliseconds, as a naive UTC datetime."""
    if isinstance(value, bool):
        raise BadValue(f"{value!r} is not a time")
    if isinstance(value, (int, float)):
        try:
            return dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=value)
        except (OverflowError, ValueError):  # past year 9999, NaN, infinity
            raise BadValue(f"{value!r} is not a time (epoch milliseconds out of range)") from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip()
        offset = None
        m = re.search(r"(Z|[+-]\d\d:?\d\d)$", text)
        if m and len(text) > 10:
            zone = m.group(1)
            text = text[: m.start()].rstrip()
            if zone != "Z":
                sign = 1 if zone[0] == "+" else -1
                hh, mm = int(zone[1:3]), int(zone[-2:])
                offset = sign * dt.timedelta(hours=hh, minutes=mm)
        if re.fullmatch(r"\d+(\.\d+)?", text) and len(text) >= 9:
            return parse_time(float(text) if "." in text else int(text))
        for fmt in _TIME_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
            return parsed - offset if offset else parsed
    raise BadValue(f"{value!r} is not a time (write 'YYYY-MM-DD HH:MM:SS[.fff]' or epoch milliseconds)")


def _fmt_time(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def to_input(value: Any, type_text: str | None) -> Any:
    """A test-file value as the JSON value Flink's json format reads for that type."""
    if value is None:
        return None
    family = type_family(type_text)
    if family == "timestamp":
        return _fmt_time(parse_time(value))
    if family == "timestamp_ltz":
        return _fmt_time(parse_time(value)) + "Z"
    if family == "date":
        if isinstance(value, (dt.date, str)):
            return str(value)[:10]
        raise BadValue(f"{value!r} is not a date (write 'YYYY-MM-DD')")
    if family == "time":
        return str(value)
    if family == "int":
        if isinstance(value, str) and not re.fullmatch(r"-?\d+", value.strip()):
            try:
                return int((parse_time(value) - dt.datetime(1970, 1, 1)) / dt.timedelta(milliseconds=1))
            except BadValue:
                raise BadValue(f"{value!r} is not a whole number") from None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise BadValue(f"{value!r} is not a whole number")
        return int(value)
    if family in ("float", "decimal"):
        if isinstance(value, bool):
            raise BadValue(f"{value!r} is not a number")
        try:
            return float(value) if family == "float" else str(Decimal(str(value)))
        except (ValueError, InvalidOperation):
            raise BadValue(f"{value!r} is not a number") from None
    if family == "string":
        if isinstance(value, (dict, list)):
            raise BadValue(f"{value!r} is not a string")
        return value if isinstance(value, str) else _scalar_text(value)
    if family == "boolean":
        if not isinstance(value, bool):
            raise BadValue(f"{value!r} is not true or false")
        return value
    if family == "bytes":
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode()
    return _jsonable(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return str(value)
    return value


def canonical(value: Any, type_text: str | None) -> Any:
    """One comparable form of a value (expected or produced) of a column type."""
    if value is None:
        return None
    family = type_family(type_text)
    if family in ("timestamp", "timestamp_ltz"):
        return _fmt_time(parse_time(value))
    if family == "date":
        return str(value)[:10]
    if family == "time":
        return str(value)
    if family == "int" and not isinstance(value, bool):
        if isinstance(value, str) and not re.fullmatch(r"\s*-?\d+\s*", value):
            return to_input(value, "BIGINT")  # a time given for an epoch-millis column
        try:
            return int(value)
        except (TypeError, ValueError):
            raise BadValue(f"{value!r} is not a whole number") from None
    if family in ("float", "decimal") and not isinstance(value, bool):
        try:
            return Decimal(str(value)).normalize() if family == "decimal" else float(value)
        except (InvalidOperation, ValueError, TypeError):
            raise BadValue(f"{value!r} is not a number") from None
    if family == "bytes" and isinstance(value, str):
        return value.encode()
    if family == "string" and not isinstance(value, (str, dict, list)):
        return _scalar_text(value)  # as inputs do: YAML reads 2024-01-01 or 7 unquoted as a date or a number
    return _plain(value)


def _plain(value: Any) -> Any:
    """Rows, lists and maps of PyFlink as plain Python (Rows with names become dicts)."""
    if hasattr(value, "as_dict") and hasattr(value, "_values"):
        try:
            return {k: _plain(v) for k, v in value.as_dict().items()}
        except Exception:  # noqa: BLE001 - a Row without field names
            return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return _fmt_time(value)
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def same(expected: Any, actual: Any, tolerance: float) -> bool:
    """Equal, floats (and decimals) within a relative ``tolerance``."""
    if isinstance(expected, (float, Decimal)) and isinstance(actual, (float, Decimal, int)) \
            and not isinstance(actual, bool):
        e, a = float(expected), float(actual)
        if math.isnan(e) and math.isnan(a):
            return True
        return math.isclose(e, a, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(same(expected[k], actual[k], tolerance) for k in expected)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(same(e, a, tolerance) for e, a in zip(expected, actual))
    return expected == actual and type(expected) is type(actual) or (
        isinstance(expected, (int, float)) and isinstance(actual, (int, float))
        and not isinstance(expected, bool) and not isinstance(actual, bool) and expected == actual)


def show(value: Any) -> str:
    """A value as the diff prints it (strings quoted, decimals as numbers)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, bytes):
        return repr(value)
    return str(value)
