"""What Flink's json and csv formats read for each column type, checked before the job starts.

The rules are those of Flink 2.2.1's own decoders (flink-json
``JsonParserToRowDataConverters``, flink-csv ``CsvToRowDataConverters``, and
the ``TimeFormats`` they parse times with), so that a test refuses a row
exactly where the real job would, and says what the format expects instead:

* json: numbers for numeric columns (or text Java's ``parseLong`` /
  ``parseDouble`` / ``new BigDecimal`` reads), text for times in the shape of
  ``'json.timestamp-format.standard'`` (``SQL``: ``yyyy-MM-dd HH:mm:ss[.S]``,
  ``ISO-8601``: ``yyyy-MM-ddTHH:mm[:ss[.S]]``; ``TIMESTAMP_LTZ`` adds ``Z``),
  base64 for bytes, arrays and objects for ARRAY, MAP and ROW. Booleans
  never fail (anything but ``true`` reads as false).
* csv: every field is text; an empty field is null only for
  ``'csv.null-literal'``; times are ``yyyy-MM-dd HH:mm:ss[.S]`` whatever
  the options say, dates ``yyyy-M-d``.

Values inside ROW and MAP columns are left to Flink's decoder: when it
refuses one, the runner maps the failure back to the row.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlflow.compiler.types import FlinkType
from sqlflow.sqltest.values import BadValue, parse_time

_DATE = r"(\d{4})-(\d{2})-(\d{2})"
_SQL_TIME = r"(\d{2}):(\d{2}):(\d{2})(?:\.\d{0,9})?"
_ISO_TIME = r"(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{0,9})?)?"
_PATTERNS = {
    ("timestamp", "SQL"): re.compile(_DATE + " " + _SQL_TIME),
    ("timestamp", "ISO-8601"): re.compile(_DATE + "T" + _ISO_TIME),
    ("timestamp_ltz", "SQL"): re.compile(_DATE + " " + _SQL_TIME + "Z"),
    ("timestamp_ltz", "ISO-8601"): re.compile(_DATE + "T" + _ISO_TIME + "Z"),
}
_JSON_DATE = re.compile(_DATE)
_CSV_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_JSON_TIME = re.compile(_SQL_TIME)
_CSV_TIME = re.compile(_ISO_TIME)
_JAVA_INT = re.compile(r"[+-]?\d+")
_JAVA_DOUBLE = re.compile(r"[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?"
                          r"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+[fFdD]?)")
_JAVA_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_RANGES = {"TINYINT": (-2 ** 7, 2 ** 7 - 1), "SMALLINT": (-2 ** 15, 2 ** 15 - 1), "INT": (-2 ** 31, 2 ** 31 - 1),
           "INTEGER": (-2 ** 31, 2 ** 31 - 1), "BIGINT": (-2 ** 63, 2 ** 63 - 1)}
_FLOATS = ("FLOAT", "DOUBLE", "REAL")


@dataclass(frozen=True)
class Refusal:
    """Why a format refuses a value: what it reads instead, and what to write."""

    reason: str
    hint: str | None = None


def _fraction(ftype: FlinkType) -> str:
    precision = ftype.params[0] if ftype.params else (6 if ftype.root in ("TIMESTAMP", "TIMESTAMP_LTZ") else 0)
    return f"[.{'S' * precision}]" if precision else ""


def time_shape(ftype: FlinkType, fmt: str, standard: str = "SQL") -> str:
    """The text a format reads for a time type, as a pattern (``'yyyy-MM-dd HH:mm:ss[.SSS]'``)."""
    frac = _fraction(ftype)
    if ftype.root == "DATE":
        return "'yyyy-MM-dd'" if fmt == "json" else "'yyyy-M-d'"
    if ftype.root == "TIME":
        return f"'HH:mm:ss{frac}'" if fmt == "json" else f"'HH:mm[:ss{frac}]'"
    zone = "Z" if ftype.root == "TIMESTAMP_LTZ" else ""
    if standard == "ISO-8601":
        return f"'yyyy-MM-ddTHH:mm[:ss{frac}]{zone}'"
    return f"'yyyy-MM-dd HH:mm:ss{frac}{zone}'"


def _valid_date(y: str, m: str, d: str, strict: bool) -> bool:
    try:
        if strict:
            dt.date(int(y), int(m), int(d))
            return True
    except ValueError:
        return False
    return 1 <= int(m) <= 12 and 1 <= int(d) <= 31  # Java's SMART resolving clamps the day to the month


def _valid_time(h: str, mi: str, s: str | None) -> bool:
    return int(h) <= 23 and int(mi) <= 59 and (s is None or int(s) <= 59)


def reads_time(text: str, ftype: FlinkType, fmt: str, standard: str = "SQL") -> bool:
    """Whether the format parses ``text`` as a value of a DATE, TIME, TIMESTAMP or TIMESTAMP_LTZ column."""
    root = ftype.root
    if root == "DATE":
        m = (_JSON_DATE if fmt == "json" else _CSV_DATE).fullmatch(text)
        return bool(m) and _valid_date(*m.groups(), strict=fmt == "json")
    if root == "TIME":
        m = (_JSON_TIME if fmt == "json" else _CSV_TIME).fullmatch(text)
        return bool(m) and _valid_time(*m.groups())
    family = "timestamp_ltz" if root == "TIMESTAMP_LTZ" else "timestamp"
    m = _PATTERNS[(family, standard if fmt == "json" else "SQL")].fullmatch(text.strip() if fmt == "csv" else text)
    return bool(m) and _valid_date(*m.groups()[:3], strict=standard == "ISO-8601") and _valid_time(*m.groups()[3:])


def shown(value: Any, text: str | None = None) -> str:
    """A value as the test file wrote it, quoted when it is text."""
    if text is not None:
        return text
    if isinstance(value, str):
        return "'" + value + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _time_text(value: Any, ftype: FlinkType, standard: str) -> str | None:
    """``value`` (any time a person may write) in the shape the format reads, for a hint."""
    try:
        when = parse_time(value)
    except BadValue:
        return None
    if ftype.root == "DATE":
        return when.strftime("%Y-%m-%d")
    if ftype.root == "TIME":
        return when.strftime("%H:%M:%S")
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    if when.microsecond:
        text += f".{when.microsecond:06d}".rstrip("0")
    if standard == "ISO-8601":
        text = text.replace(" ", "T")
    return text + ("Z" if ftype.root == "TIMESTAMP_LTZ" else "")


def _epoch_hint(value: Any) -> str | None:
    if not isinstance(value, (str, dt.date)):
        return None
    try:
        when = parse_time(value)
    except BadValue:
        return None
    millis = int((when - dt.datetime(1970, 1, 1)) / dt.timedelta(milliseconds=1))
    return f"write {millis} ({shown(value)} as epoch milliseconds)"


def check_json(value: Any, ftype: FlinkType, options: dict[str, str], text: str | None = None) -> Refusal | None:
    """Why Flink's json format refuses ``value`` for a column of ``ftype`` (None: it reads it)."""
    if value is None:
        return None
    standard = options.get("timestamp-format.standard", "SQL").upper()
    root = ftype.root
    if root in ("DATE", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ"):
        token = text if text is not None else value if isinstance(value, str) else None
        if token is not None and reads_time(token, ftype, "json", standard):
            return None
        setting = f"('json.timestamp-format.standard' = '{standard}')" if root.startswith("TIMESTAMP") else ""
        reason = f"json reads {ftype} as {time_shape(ftype, 'json', standard)} {setting}".rstrip()
        good = _time_text(text if text is not None else value, ftype, standard)
        hint = f"write {good}" if good else None
        other = "ISO-8601" if standard == "SQL" else "SQL"
        if token is not None and root.startswith("TIMESTAMP") and reads_time(token, ftype, "json", other):
            hint = (hint + ", or" if hint else "") + f" set 'json.timestamp-format.standard' = '{other}' on the table"
        return Refusal(reason, hint.strip() if hint else None)
    if root in _RANGES:
        return _check_integer(value, ftype, "json", text)
    if root in _FLOATS:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)) or (
                isinstance(value, str) and not _JAVA_DOUBLE.fullmatch(value.strip())):
            return Refusal(f"json reads {ftype} as a number")
        return None
    if root == "DECIMAL":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)) or (
                isinstance(value, str) and not _JAVA_DECIMAL.fullmatch(value.strip())):
            return Refusal(f"json reads {ftype} as a decimal number")
        return None
    if root in ("VARBINARY", "BINARY"):
        if not isinstance(value, str) or not _is_base64(value):
            hint = None
            if isinstance(value, str):
                hint = "write base64 text, e.g. " + base64.b64encode(value.encode()).decode()
            return Refusal(f"json reads {ftype} as base64 text", hint)
        return None
    if root in ("ARRAY",):
        return None if isinstance(value, list) else Refusal(f"json reads {ftype} as an array [...]")
    if root in ("MAP", "MULTISET", "ROW"):
        return None if isinstance(value, dict) else Refusal(f"json reads {ftype} as an object {{...}}")
    return None  # BOOLEAN and text read anything


def _check_integer(value: Any, ftype: FlinkType, fmt: str, text: str | None) -> Refusal | None:
    low, high = _RANGES[ftype.root]
    number: float | int | None = None
    if isinstance(value, bool) or isinstance(value, (list, dict, dt.date)):
        number = None
    elif isinstance(value, int) or (isinstance(value, float) and fmt == "json"):
        number = value
    else:
        raw = text if text is not None else str(value)
        number = int(raw.strip()) if _JAVA_INT.fullmatch(raw.strip()) else None
    if number is not None and low <= number <= high:
        return None
    what = "a whole number" if number is None else f"a whole number from {low} to {high}"
    hint = _epoch_hint(text if isinstance(value, dt.date) and text else value) if ftype.root == "BIGINT" else None
    return Refusal(f"{fmt} reads {ftype} as {what}", hint)


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def check_csv(field: str | None, ftype: FlinkType, value: Any = None) -> Refusal | None:
    """Why Flink's csv format refuses the field text ``field`` (None: an empty field, no null literal)
    for a column of ``ftype``; ``value`` is what the test gave, for the hint."""
    root = ftype.root
    text = "" if field is None else field
    if field is None and root not in _RANGES and root not in _FLOATS \
            and root not in ("DECIMAL", "DATE", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ"):
        return None  # '' for text, false, empty bytes; arrays and rows are left to Flink's decoder
    if field is None:
        return Refusal(f"csv writes a null as an empty field, which it does not read as {ftype}",
                       "give a value, or set 'csv.null-literal' on the table")
    if root in ("DATE", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ"):
        if reads_time(text, ftype, "csv"):
            return None
        good = _time_text(value if value is not None else text, ftype, "SQL")
        return Refusal(f"csv reads {ftype} as {time_shape(ftype, 'csv')}", f"write {good}" if good else None)
    if root in _RANGES:
        return _check_integer(text, ftype, "csv", text)
    if root in _FLOATS and not _JAVA_DOUBLE.fullmatch(text.strip()):
        return Refusal(f"csv reads {ftype} as a number")
    if root == "DECIMAL" and not _JAVA_DECIMAL.fullmatch(text):
        return Refusal(f"csv reads {ftype} as a decimal number")
    if root in ("VARBINARY", "BINARY") and not _is_base64(text):
        return Refusal(f"csv reads {ftype} as base64 text",
                       "write base64 text, e.g. " + base64.b64encode(text.encode()).decode())
    return None
