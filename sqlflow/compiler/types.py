"""Flink SQL data types, as the compiler reasons about them.

A :class:`FlinkType` is parsed from Flink type text (``"ARRAY<FLOAT>"``,
``"ROW<score DOUBLE, version STRING>"``, ``"TIMESTAMP_LTZ(3)"``) or from a
sqlglot ``DataType`` node, and prints back as Flink text. Casting follows
Flink's implicit-cast table (``LogicalTypeCasts.supportsImplicitCast``): the
rule the planner applies to INSERT columns and to UDF arguments.

>>> str(parse_type("row<score double, version varchar>"))
'ROW<score DOUBLE, version STRING>'
>>> implicit_cast(parse_type("INT"), parse_type("DOUBLE"))
True
>>> implicit_cast(parse_type("DOUBLE"), parse_type("FLOAT"))
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlglot import exp

#: Root names in Flink's spelling, with the aliases Flink accepts.
_ALIASES = {
    "STRING": "VARCHAR", "TEXT": "VARCHAR", "NVARCHAR": "VARCHAR", "NCHAR": "CHAR",
    "INTEGER": "INT", "BYTES": "VARBINARY", "BOOL": "BOOLEAN", "DEC": "DECIMAL",
    "NUMERIC": "DECIMAL", "REAL": "FLOAT", "DOUBLE PRECISION": "DOUBLE",
    "TIMESTAMP_LTZ": "TIMESTAMP_LTZ", "TIMESTAMPLTZ": "TIMESTAMP_LTZ",
    "TIMESTAMP WITH LOCAL TIME ZONE": "TIMESTAMP_LTZ", "STRUCT": "ROW", "LIST": "ARRAY",
    "DATETIME": "TIMESTAMP", "FLOAT4": "FLOAT", "FLOAT8": "DOUBLE", "INT8": "BIGINT",
    "INT4": "INT", "INT2": "SMALLINT", "VARBINARY": "VARBINARY", "BINARY": "BINARY",
}

_INTEGERS = ("TINYINT", "SMALLINT", "INT", "BIGINT")
_NUMERIC_ORDER = ("TINYINT", "SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE")
_FAMILIES = {
    **{n: "numeric" for n in _NUMERIC_ORDER},
    "CHAR": "string", "VARCHAR": "string", "BINARY": "binary", "VARBINARY": "binary",
    "BOOLEAN": "boolean", "DATE": "date", "TIME": "time", "TIMESTAMP": "timestamp",
    "TIMESTAMP_LTZ": "timestamp", "INTERVAL": "interval", "ARRAY": "array",
    "MULTISET": "multiset", "MAP": "map", "ROW": "row", "RAW": "raw", "NULL": "null",
    "ANY": "any", "DESCRIPTOR": "descriptor",
}


@dataclass(frozen=True)
class FlinkType:
    """A Flink logical type: root name, numeric parameters, element types, row fields.

    ``time_attr`` is ``"rowtime"`` or ``"proctime"`` for a time attribute (a
    watermarked or ``PROCTIME()`` column), which windows and interval joins need.
    """

    root: str
    params: tuple[int, ...] = ()
    args: tuple[FlinkType, ...] = ()
    fields: tuple[tuple[str, FlinkType], ...] = ()
    time_attr: str | None = None

    @property
    def family(self) -> str:
        return _FAMILIES.get(self.root, "any")

    @property
    def is_any(self) -> bool:
        return self.root == "ANY"

    def plain(self) -> FlinkType:
        """The same type without its time attribute (what a GROUP BY leaves)."""
        return replace(self, time_attr=None) if self.time_attr else self

    def __str__(self) -> str:
        r = self.root
        if r == "VARCHAR" and (not self.params or self.params[0] >= 2147483647):
            return "STRING"
        if r == "VARBINARY" and (not self.params or self.params[0] >= 2147483647):
            return "BYTES"
        if r == "ROW":
            inner = ", ".join(f"{n} {t}" for n, t in self.fields)
            return f"ROW<{inner}>"
        if self.args:
            return f"{r}<{', '.join(str(a) for a in self.args)}>"
        if self.params:
            return f"{r}({', '.join(str(p) for p in self.params)})"
        return r


ANY = FlinkType("ANY")
NULL = FlinkType("NULL")
BOOLEAN = FlinkType("BOOLEAN")
STRING = FlinkType("VARCHAR")
INT = FlinkType("INT")
BIGINT = FlinkType("BIGINT")
DOUBLE = FlinkType("DOUBLE")
FLOAT = FlinkType("FLOAT")
DATE = FlinkType("DATE")
TIMESTAMP3 = FlinkType("TIMESTAMP", (3,))
TIMESTAMP_LTZ3 = FlinkType("TIMESTAMP_LTZ", (3,))
INTERVAL = FlinkType("INTERVAL")


# ---------------------------------------------------------------- parsing text

_TOKEN = re.compile(r"\s*(?:(`[^`]*`)|([A-Za-z_][A-Za-z_0-9]*)|(\d+)|(.))")


class TypeSyntaxError(ValueError):
    """Type text that is not a Flink type."""


def parse_type(text: str) -> FlinkType:
    """Parse Flink type text; raises :class:`TypeSyntaxError` on junk."""
    tokens = [m.group(0).strip() for m in _TOKEN.finditer(text) if m.group(0).strip()]
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take(expected: str | None = None) -> str:
        nonlocal pos
        tok = peek()
        if tok is None or (expected is not None and tok.upper() != expected):
            raise TypeSyntaxError(f"bad type {text!r}: expected {expected or 'a type'}")
        pos += 1
        return tok

    def one() -> FlinkType:
        name = take().upper()
        # multi-word names
        if name == "DOUBLE" and (peek() or "").upper() == "PRECISION":
            take()
        root = _ALIASES.get(name, name)
        if root not in _FAMILIES:
            raise TypeSyntaxError(f"unknown type {name!r} in {text!r}")
        params: list[int] = []
        args: list[FlinkType] = []
        fields: list[tuple[str, FlinkType]] = []
        if peek() == "(" and root != "ROW":
            take("(")
            while peek() != ")":
                params.append(int(take()))
                if peek() == ",":
                    take(",")
            take(")")
        elif peek() == "<" or (root == "ROW" and peek() == "("):
            close = ">" if take() == "<" else ")"
            while peek() != close:
                if root == "ROW":
                    fname = take().strip("`")
                    fields.append((fname, one()))
                else:
                    args.append(one())
                if peek() == ",":
                    take(",")
            take(close)
        if root == "TIMESTAMP" and (peek() or "").upper() == "WITH":
            take(), take("LOCAL"), take("TIME"), take("ZONE")
            root = "TIMESTAMP_LTZ"
        if (peek() or "").upper() == "NOT":
            take(), take("NULL")
        if name == "STRING":
            params = [2147483647]
        if name == "BYTES":
            params = [2147483647]
        return FlinkType(root, tuple(params), tuple(args), tuple(fields))

    result = one()
    if peek() is not None:
        raise TypeSyntaxError(f"bad type {text!r}: unexpected {peek()!r}")
    return result


# ------------------------------------------------------------ from sqlglot nodes

_DTYPE = exp.DataType.Type
_FROM_SQLGLOT = {
    _DTYPE.TINYINT: "TINYINT", _DTYPE.SMALLINT: "SMALLINT", _DTYPE.INT: "INT",
    _DTYPE.BIGINT: "BIGINT", _DTYPE.FLOAT: "FLOAT", _DTYPE.DOUBLE: "DOUBLE",
    _DTYPE.DECIMAL: "DECIMAL", _DTYPE.BOOLEAN: "BOOLEAN", _DTYPE.TEXT: "VARCHAR",
    _DTYPE.VARCHAR: "VARCHAR", _DTYPE.CHAR: "CHAR", _DTYPE.NCHAR: "CHAR",
    _DTYPE.NVARCHAR: "VARCHAR", _DTYPE.DATE: "DATE", _DTYPE.TIME: "TIME",
    _DTYPE.TIMESTAMP: "TIMESTAMP", _DTYPE.DATETIME: "TIMESTAMP",
    _DTYPE.TIMESTAMPLTZ: "TIMESTAMP_LTZ", _DTYPE.TIMESTAMPTZ: "TIMESTAMP_LTZ",
    _DTYPE.BINARY: "BINARY", _DTYPE.VARBINARY: "VARBINARY", _DTYPE.ARRAY: "ARRAY",
    _DTYPE.MAP: "MAP", _DTYPE.STRUCT: "ROW", _DTYPE.NULL: "NULL",
    _DTYPE.INTERVAL: "INTERVAL", _DTYPE.DOUBLE: "DOUBLE",
}


def from_datatype(node: exp.Expression) -> FlinkType:
    """The FlinkType of a sqlglot ``DataType`` (or a type given as text)."""
    if not isinstance(node, exp.DataType):
        return parse_type(node.sql() if isinstance(node, exp.Expression) else str(node))
    dtype = node.this
    if dtype == _DTYPE.USERDEFINED:
        return parse_type(str(node.args.get("kind") or node.sql()))
    root = _FROM_SQLGLOT.get(dtype)
    if root is None:
        try:
            return parse_type(node.sql())
        except TypeSyntaxError:
            return ANY
    params: list[int] = []
    args: list[FlinkType] = []
    fields: list[tuple[str, FlinkType]] = []
    for e in node.expressions:
        if isinstance(e, exp.DataTypeParam):
            try:
                params.append(int(e.this.name))
            except (ValueError, AttributeError):
                pass
        elif isinstance(e, exp.DataType):
            args.append(from_datatype(e))
        elif isinstance(e, exp.ColumnDef):
            kind = e.args.get("kind")
            fields.append((e.name, from_datatype(kind) if kind is not None else ANY))
    if dtype == _DTYPE.TEXT:
        params = [2147483647]
    return FlinkType(root, tuple(params), tuple(args), tuple(fields))


# ------------------------------------------------------------------- casting

def _numeric_rank(t: FlinkType) -> int:
    return _NUMERIC_ORDER.index(t.root)


def implicit_cast(src: FlinkType, dst: FlinkType) -> bool:
    """Whether Flink casts ``src`` to ``dst`` without being asked (INSERT, UDF args)."""
    if src.is_any or dst.is_any or src.root == "NULL":
        return True
    if src.family != dst.family:
        return src.root == "DATE" and dst.root == "TIMESTAMP"
    fam = src.family
    if fam == "numeric":
        return _numeric_rank(src) <= _numeric_rank(dst)
    if fam in ("array", "multiset", "map"):
        return len(src.args) == len(dst.args) and all(
            implicit_cast(a, b) for a, b in zip(src.args, dst.args))
    if fam == "row":
        return len(src.fields) == len(dst.fields) and all(
            implicit_cast(a[1], b[1]) for a, b in zip(src.fields, dst.fields))
    return True  # same family: strings, timestamps of any precision, ...


def common_type(types: list[FlinkType]) -> FlinkType:
    """The least type all of ``types`` cast to (CASE, COALESCE, UNION, arithmetic)."""
    known = [t.plain() for t in types if not t.is_any and t.root != "NULL"]
    if not known:
        return types[0].plain() if types else ANY
    best = known[0]
    for t in known[1:]:
        if best.family == "numeric" and t.family == "numeric":
            if _numeric_rank(t) > _numeric_rank(best):
                best = t
        elif best.family != t.family:
            return ANY
    return best


def is_integer(t: FlinkType) -> bool:
    return t.root in _INTEGERS
