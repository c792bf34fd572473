"""Flink data types: the parser mixin for type names (``ARRAY<T>``, ``ROW<...>``, ``STRUCTURED<...>``, ...).

Kept apart from the statement parsers; the shapes built here are listed in
the package docstring.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

#: Flink type names without parameters or with a size/precision, and their sqlglot type.
SIMPLE_TYPES: dict[str, exp.DType] = {
    "CHAR": exp.DType.CHAR, "CHARACTER": exp.DType.CHAR, "VARCHAR": exp.DType.VARCHAR,
    "STRING": exp.DType.TEXT, "BOOLEAN": exp.DType.BOOLEAN, "BINARY": exp.DType.BINARY,
    "VARBINARY": exp.DType.VARBINARY, "BYTES": exp.DType.VARBINARY, "DECIMAL": exp.DType.DECIMAL,
    "DEC": exp.DType.DECIMAL, "NUMERIC": exp.DType.DECIMAL, "TINYINT": exp.DType.TINYINT,
    "SMALLINT": exp.DType.SMALLINT, "INT": exp.DType.INT, "INTEGER": exp.DType.INT,
    "BIGINT": exp.DType.BIGINT, "FLOAT": exp.DType.FLOAT, "REAL": exp.DType.FLOAT, "DOUBLE": exp.DType.DOUBLE,
    "DATE": exp.DType.DATE, "TIME": exp.DType.TIME, "TIMESTAMP": exp.DType.TIMESTAMP,
    "TIMESTAMP_LTZ": exp.DType.TIMESTAMPLTZ, "VARIANT": exp.DType.VARIANT, "NULL": exp.DType.NULL,
}

#: Spellings kept as written (they differ in meaning or are what users expect to read back).
KEPT_SPELLINGS = {"BYTES", "INTEGER", "DEC", "NUMERIC", "CHARACTER", "REAL"}

TYPE_NAMES: tuple[str, ...] = (*SIMPLE_TYPES, "ARRAY", "MAP", "MULTISET", "ROW", "RAW", "INTERVAL", "STRUCTURED")
#: ``CHAR VARYING(n)`` and friends: the SQL standard's long spellings, kept as written.
VARYING: dict[str, exp.DType] = {"CHAR VARYING": exp.DType.VARCHAR, "CHARACTER VARYING": exp.DType.VARCHAR,
                                 "BINARY VARYING": exp.DType.VARBINARY}


class TypeMixin:
    """Flink type parsing for :class:`FlinkParser`."""

    if t.TYPE_CHECKING:  # the parser methods this mixin calls come from sqlglot's Parser
        def __getattr__(self, name: str) -> t.Any: ...

    def _parse_types(self, check_func: bool = False, schema: bool = False, allow_identifiers: bool = True,
                     with_collation: bool = False) -> exp.Expr | None:
        return self._parse_flink_type(nullable_suffix=not schema)

    def _parse_flink_type(self, nullable_suffix: bool = True) -> exp.DataType | None:
        """One Flink type; with ``nullable_suffix`` a trailing [NOT] NULL sets ``nullable``."""
        curr = self._curr
        if not curr or curr.token_type in (TokenType.STRING, TokenType.IDENTIFIER, TokenType.NUMBER):
            return None
        name = curr.text.upper()
        if self._next and self._next.text.upper() == "VARYING" and f"{name} VARYING" in VARYING:
            self._advance()  # the tokenizer may or may not have read the two words as one token
            name = f"{name} VARYING"
        name = " ".join(name.split())
        if name not in TYPE_NAMES and name not in VARYING:
            return None
        if name in ("ARRAY", "MAP", "MULTISET", "ROW", "RAW", "STRUCTURED") and not (
            self._next and self._next.token_type in (TokenType.LT, TokenType.L_PAREN)
        ):
            return None
        if name in ("ARRAY", "MAP", "MULTISET") and self._next.token_type == TokenType.L_PAREN:
            return None  # a function call such as ARRAY(SELECT ...)
        if name == "ROW" and self._next.token_type == TokenType.L_PAREN and not self._row_fields_follow():
            return None  # the ROW(1, 'a') value constructor
        index = self._index
        self._advance()
        dtype: exp.DataType | None
        if name in ("ARRAY", "MULTISET"):
            self._expect(TokenType.LT, "<")
            elem = self._expect_type()
            self._expect(TokenType.GT, ">")
            dtype = exp.DataType(this=exp.DType.ARRAY, expressions=[elem], nested=True) if name == "ARRAY" else \
                exp.DataType(this=exp.DType.USERDEFINED, kind=exp.var("MULTISET"), expressions=[elem], nested=True)
        elif name == "MAP":
            self._expect(TokenType.LT, "<")
            key = self._expect_type()
            self._expect(TokenType.COMMA, ",")
            value = self._expect_type()
            self._expect(TokenType.GT, ">")
            dtype = exp.DataType(this=exp.DType.MAP, expressions=[key, value], nested=True)
        elif name == "ROW":
            close = TokenType.GT if self._match(TokenType.LT) else (self._advance() or TokenType.R_PAREN)
            fields = [] if (self._curr and self._curr.token_type == close) else self._parse_csv(self._parse_row_field)
            self._expect(close, ">" if close == TokenType.GT else ")")
            dtype = exp.DataType(this=exp.DType.STRUCT, expressions=fields, nested=True)
        elif name == "STRUCTURED":  # STRUCTURED<'com.example.User', name STRING, ...>
            self._expect(TokenType.LT, "<")
            cls = self._parse_string()
            if cls is None:
                self.raise_error("Expected the class name as a string, e.g. STRUCTURED<'com.example.User', ...>")
            fields = self._parse_csv(self._parse_row_field) if self._match(TokenType.COMMA) else []
            self._expect(TokenType.GT, ">")
            dtype = exp.DataType(this=exp.DType.USERDEFINED, kind=exp.var("STRUCTURED"), expressions=[cls, *fields],
                                 nested=True)
        elif name in VARYING:
            params = None
            if self._match(TokenType.L_PAREN):
                params = self._parse_csv(self._parse_type_param)
                self._expect(TokenType.R_PAREN, ")")
            dtype = exp.DataType(this=VARYING[name], expressions=params or None, kind=exp.var(name))
        elif name == "RAW":
            self._expect(TokenType.L_PAREN, "(")
            args = self._parse_csv(self._parse_string)
            self._expect(TokenType.R_PAREN, ")")
            dtype = exp.DataType(this=exp.DType.USERDEFINED, kind=exp.var("RAW"), expressions=args)
        elif name == "INTERVAL":
            unit = self._parse_interval_unit()
            if unit is None:
                self._retreat(index)
                return None
            if self._match_text_seq("TO"):
                unit = exp.IntervalSpan(this=unit, expression=self._parse_interval_unit())
            dtype = exp.DataType(this=exp.Interval(unit=unit))
        else:
            if name == "DOUBLE":
                self._match_text_seq("PRECISION")
            params = None
            if self._match(TokenType.L_PAREN):
                params = self._parse_csv(self._parse_type_param)
                self._expect(TokenType.R_PAREN, ")")
            dtype = exp.DataType(this=SIMPLE_TYPES[name], expressions=params or None)
            if name in KEPT_SPELLINGS:
                dtype.set("kind", exp.var(name))
            if name in ("TIMESTAMP", "TIME"):
                if self._match_text_seq("WITH", "LOCAL", "TIME", "ZONE"):
                    dtype.set("this", exp.DType.TIMESTAMPLTZ)
                    dtype.set("kind", exp.var("WITH LOCAL TIME ZONE"))  # keep the long spelling
                elif self._match_text_seq("WITHOUT", "TIME", "ZONE"):
                    pass
                elif self._match_text_seq("WITH", "TIME", "ZONE"):
                    self.raise_error("Flink has no TIMESTAMP WITH TIME ZONE; use TIMESTAMP_LTZ or TIMESTAMP WITH LOCAL TIME ZONE", self._prev)
        # postfix collection forms: INT ARRAY, INT MULTISET
        while self._curr and self._curr.text.upper() in ("ARRAY", "MULTISET") and not (
            self._next and self._next.token_type in (TokenType.LT, TokenType.L_PAREN, TokenType.L_BRACKET)
        ):
            kind = self._curr.text.upper()
            self._advance()
            dtype = exp.DataType(this=exp.DType.ARRAY, expressions=[dtype], nested=True) if kind == "ARRAY" else \
                exp.DataType(this=exp.DType.USERDEFINED, kind=exp.var("MULTISET"), expressions=[dtype], nested=True)
        if nullable_suffix:
            if self._match_pair(TokenType.NOT, TokenType.NULL):
                dtype.set("nullable", False)
            elif self._match(TokenType.NULL):
                dtype.set("nullable", True)
        return self.expression(dtype, curr)

    def _row_fields_follow(self) -> bool:
        """After ``ROW (``: does a field list (``name TYPE``) follow, rather than values?"""
        ahead = [self._tokens[i] for i in range(self._index + 2, min(self._index + 4, len(self._tokens)))]
        if len(ahead) < 2:
            return False
        name, kind = ahead
        return name.token_type not in (TokenType.STRING, TokenType.NUMBER, TokenType.L_PAREN) and (
            kind.text.upper() in TYPE_NAMES
        )

    def _parse_type_param(self) -> exp.Expr | None:
        if not self._match(TokenType.NUMBER):
            self.raise_error("Expected a number (type length or precision)")
            return None
        return exp.DataTypeParam(this=exp.Literal.number(self._prev.text))

    def _parse_row_field(self) -> exp.Expr:
        name = self._parse_id_var(any_token=True)
        kind = self._expect_type()
        desc = self._parse_string() if self._match(TokenType.STRING, advance=False) else None
        constraints = [exp.ColumnConstraint(kind=exp.CommentColumnConstraint(this=desc))] if desc else None
        return self.expression(exp.ColumnDef(this=name, kind=kind, constraints=constraints))

    def _expect_type(self) -> exp.DataType:
        dtype = self._parse_flink_type()
        if dtype is None:
            self.raise_error("Expected a data type")
            return exp.DataType(this=exp.DType.UNKNOWN)
        return dtype

    def _expect(self, token_type: TokenType, text: str) -> None:
        if not self._match(token_type):
            self.raise_error(f"Expected {text}")
