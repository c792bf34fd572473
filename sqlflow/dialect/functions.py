"""Flink functions with a special argument syntax: the SQL/JSON family, ROW(...) and ordering marks.

A parser mixin for :class:`sqlflow.dialect.parser.FlinkParser`.
"""

from __future__ import annotations

import re
import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlflow.dialect import expressions as fx

JSON_FUNCTIONS: tuple[str, ...] = (
    "JSON_VALUE", "JSON_QUERY", "JSON_EXISTS", "JSON_OBJECT", "JSON_ARRAY", "JSON_OBJECTAGG", "JSON_ARRAYAGG",
)
_KEY_VALUE_FUNCTIONS = {"JSON_OBJECT", "JSON_OBJECTAGG"}
#: Words that may start a SQL/JSON behaviour clause ``<words> ON EMPTY|ERROR|NULL``.
_BEHAVIOURS = (("EMPTY", "ARRAY"), ("EMPTY", "OBJECT"), ("NULL",), ("ERROR",), ("TRUE",), ("FALSE",),
               ("UNKNOWN",), ("ABSENT",))
_WRAPPERS = (("WITHOUT", "ARRAY", "WRAPPER"), ("WITHOUT", "WRAPPER"), ("WITH", "CONDITIONAL", "ARRAY", "WRAPPER"),
             ("WITH", "UNCONDITIONAL", "ARRAY", "WRAPPER"), ("WITH", "CONDITIONAL", "WRAPPER"),
             ("WITH", "UNCONDITIONAL", "WRAPPER"), ("WITH", "ARRAY", "WRAPPER"), ("WITH", "WRAPPER"))


_SUBSTITUTION = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?", re.S)


def json_function_parsers() -> dict[str, t.Callable]:
    """FUNCTION_PARSERS entries for the SQL/JSON functions."""
    return {name: (lambda n: lambda self: self._parse_json_call(n))(name) for name in JSON_FUNCTIONS}


class FunctionMixin:
    """SQL/JSON calls, the ROW(...) value constructor, explicit NULLS FIRST/LAST."""

    if t.TYPE_CHECKING:
        def __getattr__(self, name: str) -> t.Any: ...

    def _parse_json_call(self, name: str) -> fx.JsonCall:
        name_token = self._tokens[self._index - 2]  # NAME ( already consumed
        args: list[exp.Expr] = []
        if not self._match(TokenType.R_PAREN, advance=False) and not self._at_json_clause():
            parse = self._parse_json_key_value if name in _KEY_VALUE_FUNCTIONS else self._parse_disjunction
            args = self._parse_csv(parse)
        clauses = []
        while self._curr and self._curr.token_type != TokenType.R_PAREN:
            clause = self._parse_json_clause()
            if clause is None:
                self.raise_error(f"Unexpected {self._curr.text!r} in {name}(...)")
                break
            clauses.append(clause)
        return self.expression(fx.JsonCall(this=name, expressions=args, clauses=clauses or None), name_token)

    def _parse_transcode(self) -> exp.Expr:
        """``CONVERT(x USING cs)`` / ``TRANSLATE(x USING cs)``; other argument lists stay plain calls."""
        name_token = self._tokens[self._index - 2]  # NAME ( already consumed
        args = [] if self._curr and self._curr.token_type == TokenType.R_PAREN else self._parse_csv(self._parse_lambda)
        if self._match(TokenType.USING):
            if len(args) != 1:
                self.raise_error(f"{name_token.text.upper()}(x USING charset) takes one value")
            using = self._parse_id_var()
            return self.expression(fx.Transcode(this=name_token.text.upper(), expression=args[0], using=using),
                                   name_token)
        return self.expression(exp.Anonymous(this=name_token.text, expressions=args), name_token)

    def _parse_json_key_value(self) -> fx.JsonKeyValue:
        key_word = bool(self._match_text_seq("KEY"))
        key = self._parse_bitwise()
        if not self._match_text_seq("VALUE"):
            self.raise_error("Expected VALUE after the JSON_OBJECT key")
        return self.expression(fx.JsonKeyValue(this=key, expression=self._parse_disjunction(), key=key_word))

    def _at_json_clause(self) -> bool:
        index = self._index
        clause = self._parse_json_clause()
        self._retreat(index)
        return clause is not None

    def _parse_json_clause(self) -> fx.JsonClause | None:
        index = self._index
        if self._match_text_seq("RETURNING"):
            return fx.JsonClause(this="RETURNING", expression=self._expect_type())
        for words in _WRAPPERS:
            if self._match_text_seq(*words):
                return fx.JsonClause(this=" ".join(words))
        if self._match(TokenType.DEFAULT):
            value = self._parse_bitwise()
            if self._match(TokenType.ON) and self._match_texts(("EMPTY", "ERROR")):
                return fx.JsonClause(this="DEFAULT", expression=value, on=self._prev.text.upper())
            self._retreat(index)
            return None
        for words in _BEHAVIOURS:
            if self._match_text_seq(*words):
                if self._match(TokenType.ON) and self._match_texts(("EMPTY", "ERROR", "NULL")):
                    return fx.JsonClause(this=" ".join(words), on=self._prev.text.upper())
                self._retreat(index)
                return None
        return None

    def _parse_window(self, this: exp.Expr | None, alias: bool = False) -> exp.Expr | None:
        """Window frames keep sqlglot's shape, with ROWS/RANGE and PRECEDING/FOLLOWING in upper case."""
        window = super()._parse_window(this, alias)  # type: ignore[misc]
        spec = window.args.get("spec") if isinstance(window, exp.Window) else None
        if spec is not None:
            for key in ("kind", "start_side", "end_side"):
                value = spec.args.get(key)
                if isinstance(value, str):
                    spec.set(key, value.upper())
        return window

    def _parse_substitution(self) -> fx.Substitution | None:
        """``${NAME}`` / ``${NAME:-default}`` after its ``$`` (the text inside is kept as written)."""
        dollar = self._prev
        brace = self._curr
        if not brace or brace.token_type != TokenType.L_BRACE or brace.start != dollar.end + 1:
            self.raise_error("Expected ${NAME} (a project variable) after $", dollar)
            return None
        self._advance()
        while self._curr and self._curr.token_type != TokenType.R_BRACE:
            self._advance()
        if not self._curr:
            self.raise_error("Expected } to close ${...}", dollar)
            return None
        close = self._curr
        self._advance()
        match = _SUBSTITUTION.fullmatch(self.sql[brace.end + 1 : close.start])
        if not match:
            self.raise_error("Expected ${NAME} or ${NAME:-default}", dollar)
            return None
        return self.expression(fx.Substitution(this=match.group(1), default=match.group(2)), dollar)

    def _parse_bracket(self, this: exp.Expr | None = None) -> exp.Expr | None:
        if self._curr and self._curr.token_type == TokenType.L_BRACE:
            self.raise_error("Unexpected {: Flink SQL has no braces (a project variable is written ${NAME})")
            return this
        return super()._parse_bracket(this)  # type: ignore[misc]

    def _parse_query_constructor(self, name: str) -> fx.QueryConstructor | None:
        """``MAP(SELECT k, v ...)`` / ``MULTISET(SELECT ...)``: a collection built from a query."""
        if not (self._curr and self._curr.token_type == TokenType.L_PAREN and self._next
                and self._next.token_type in (TokenType.SELECT, TokenType.WITH, TokenType.VALUES)):
            return None
        start = self._prev
        self._advance()
        query = self._parse_set_operations(self._parse_select(nested=True))
        self._expect(TokenType.R_PAREN, ")")
        return self.expression(fx.QueryConstructor(this=name, expression=query), start)

    def _parse_multiset_constructor(self) -> exp.Expr | None:
        """``MULTISET[a, b]`` or ``MULTISET(SELECT ...)``; a bare ``multiset`` stays a column."""
        start = self._prev
        built = self._parse_query_constructor("MULTISET")
        if built is not None:
            return built
        if not self._match(TokenType.L_BRACKET):
            self._retreat(self._index - 1)
            return None
        items = self._parse_csv(self._parse_disjunction)
        self._expect(TokenType.R_BRACKET, "]")
        return self.expression(fx.MultisetConstructor(expressions=items), start)

    def _parse_map_constructor(self) -> exp.Expr | None:
        """``MAP[k1, v1, k2, v2]`` as ``exp.VarMap``, ``MAP(SELECT ...)``; a bare ``map`` stays a column."""
        built = self._parse_query_constructor("MAP")
        if built is not None:
            return built
        if not self._match(TokenType.L_BRACKET):
            self._retreat(self._index - 1)
            return None
        items = self._parse_csv(self._parse_disjunction)
        self._expect(TokenType.R_BRACKET, "]")
        if len(items) % 2:
            self.raise_error("MAP[...] needs key/value pairs (an even number of items)")
        return exp.VarMap(keys=exp.Array(expressions=items[0::2]), values=exp.Array(expressions=items[1::2]))

    def _parse_ordered(self, parse_method: t.Callable[[], exp.Expr | None] | None = None) -> exp.Ordered | None:
        ordered = super()._parse_ordered(parse_method)  # type: ignore[misc]
        prev = self._tokens[self._index - 2] if self._index >= 2 else None
        if ordered is not None and prev is not None and prev.text.upper() == "NULLS":
            ordered.meta["nulls_written"] = True  # write NULLS FIRST/LAST back as the user did
        return ordered
