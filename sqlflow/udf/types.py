"""Flink SQL type strings, as far as UDF signatures need them.

A UDF declares its arguments and result as Flink SQL type strings
(``"DOUBLE"``, ``"ARRAY<FLOAT>"``, ``"ROW<score DOUBLE, model_version STRING>"``).
PyFlink passes these strings to Flink's own parser; this module reads them
too, so the runtime knows which numpy dtype a column holds and which fields a
ROW result has, and so a typo fails when the UDF is declared, not in a job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

#: Flink scalar type names (canonical spelling) and the numpy dtype of a value.
NUMERIC: dict[str, str] = {
    "TINYINT": "int8",
    "SMALLINT": "int16",
    "INT": "int32",
    "BIGINT": "int64",
    "FLOAT": "float32",
    "DOUBLE": "float64",
    "BOOLEAN": "bool",
}
_ALIASES = {"INTEGER": "INT", "REAL": "FLOAT", "DOUBLE PRECISION": "DOUBLE"}
_OTHER = {"STRING", "VARCHAR", "CHAR", "BYTES", "VARBINARY", "BINARY", "DECIMAL",
          "DATE", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ"}


class TypeParseError(ValueError):
    """A type string that is not a Flink SQL type this runtime understands."""


@dataclass(frozen=True)
class SqlType:
    """A parsed Flink SQL type: a scalar, an ``ARRAY<elem>`` or a ``ROW<fields>``."""

    name: str  # "DOUBLE", "ARRAY", "ROW", "STRING", ...
    elem: SqlType | None = None
    fields: tuple[tuple[str, SqlType], ...] = ()
    params: str = ""  # "(3)" of TIMESTAMP(3), "(10, 2)" of DECIMAL(10, 2)
    nullable: bool = True

    @property
    def is_array(self) -> bool:
        return self.name == "ARRAY"

    @property
    def is_row(self) -> bool:
        return self.name == "ROW"

    @property
    def is_numeric(self) -> bool:
        return self.name in NUMERIC

    @property
    def is_string(self) -> bool:
        return self.name in ("STRING", "VARCHAR", "CHAR")

    @property
    def numpy_dtype(self) -> np.dtype | None:
        """The numpy dtype of one value, for numeric scalars; else None."""
        return np.dtype(NUMERIC[self.name]) if self.name in NUMERIC else None

    def __str__(self) -> str:
        if self.is_array:
            text = f"ARRAY<{self.elem}>"
        elif self.is_row:
            text = "ROW<" + ", ".join(f"{n} {t}" for n, t in self.fields) + ">"
        else:
            text = self.name + self.params
        return text if self.nullable else text + " NOT NULL"


_TOKEN = re.compile(r"\s*(<|>|,|\(|\)|`[^`]*`|[A-Za-z_][A-Za-z0-9_]*|\d+)")


def parse_type(text: str) -> SqlType:
    """Parse a Flink SQL type string; raise :class:`TypeParseError` if it is not one."""
    tokens = _tokenize(text)
    parser = _Parser(tokens, text)
    result = parser.type()
    if parser.pos != len(tokens):
        raise TypeParseError(f"unexpected {tokens[parser.pos]!r} in type {text!r}")
    return result


def _tokenize(text: str) -> list[str]:
    tokens, pos = [], 0
    stripped = text.rstrip()
    while pos < len(stripped):
        m = _TOKEN.match(stripped, pos)
        if not m:
            raise TypeParseError(f"cannot read type {text!r} at {stripped[pos:]!r}")
        tokens.append(m.group(1))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[str], text: str):
        self.tokens, self.text, self.pos = tokens, text, 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None:
            raise TypeParseError(f"type {self.text!r} ends early")
        if expected is not None and tok.upper() != expected:
            raise TypeParseError(f"expected {expected!r} but found {tok!r} in type {self.text!r}")
        self.pos += 1
        return tok

    def type(self) -> SqlType:
        name = self.take().upper()
        if name == "DOUBLE" and (self.peek() or "").upper() == "PRECISION":
            self.take()
        name = _ALIASES.get(name, name)
        if name == "ARRAY":
            self.take("<")
            elem = self.type()
            self.take(">")
            return self._nullability(SqlType("ARRAY", elem=elem))
        if name == "ROW":
            self.take("<")
            fields = []
            while True:
                fname = self.take().strip("`")
                fields.append((fname, self.type()))
                if self.peek() == ",":
                    self.take()
                    continue
                break
            self.take(">")
            return self._nullability(SqlType("ROW", fields=tuple(fields)))
        if name not in NUMERIC and name not in _OTHER:
            raise TypeParseError(f"unknown type {name!r} in {self.text!r}")
        params = ""
        if self.peek() == "(":
            parts = [self.take()]
            while parts[-1] != ")":
                parts.append(self.take())
            params = "".join(p if p not in (",",) else ", " for p in parts)
        if name == "TIMESTAMP" and (self.peek() or "").upper() == "WITH":
            for word in ("WITH", "LOCAL", "TIME", "ZONE"):
                self.take(word)
            name = "TIMESTAMP_LTZ"
        return self._nullability(SqlType(name, params=params))

    def _nullability(self, t: SqlType) -> SqlType:
        if (self.peek() or "").upper() == "NOT":
            self.take()
            self.take("NULL")
            return SqlType(t.name, t.elem, t.fields, t.params, nullable=False)
        return t
