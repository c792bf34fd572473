"""The Flink SQL parser: sqlglot's parser plus Flink's statements and table functions.

Queries, expressions, joins and windows come from sqlglot's base parser.
Flink's own statements are parsed strictly: input that is not Flink SQL is an
error, never a silent ``exp.Command``. This module holds statement dispatch,
table functions and intervals; DDL and types live in :mod:`sqlflow.dialect.ddl`,
the other statements in :mod:`sqlflow.dialect.statements`, MATCH_RECOGNIZE and
GROUP BY in :mod:`sqlflow.dialect.queries`, special function syntax in
:mod:`sqlflow.dialect.functions`.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp, parser
from sqlglot.errors import ParseError as SqlglotParseError
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from sqlflow.dialect import expressions as fx
from sqlflow.dialect.ddl import DdlMixin
from sqlflow.dialect.functions import FunctionMixin, json_function_parsers
from sqlflow.dialect.queries import QueryMixin
from sqlflow.dialect.statements import StatementMixin

#: Function names parsed into sqlglot's typed classes; each generates back to the
#: same Flink text (tested). Every other call stays an ``exp.Anonymous`` with its
#: name exactly as written, so nothing is rewritten into another engine's function.
TYPED_FUNCTIONS: tuple[str, ...] = (
    "AVG", "COUNT", "MAX", "MIN", "SUM", "COALESCE", "ROW_NUMBER", "RANK",
    "DENSE_RANK", "LAG", "LEAD", "FIRST_VALUE", "LAST_VALUE", "ABS", "UPPER",
    "LOWER", "CONCAT", "CONCAT_WS", "STDDEV_POP", "STDDEV_SAMP", "LN", "EXP",
    "SQRT", "POWER", "ROUND", "NULLIF", "LEAST", "GREATEST", "NTILE", "CUME_DIST",
    "PERCENT_RANK",
)

#: Functions with a special argument syntax (``CAST(x AS T)``, ``TRIM(BOTH ...)``...).
SPECIAL_FUNCTIONS: tuple[str, ...] = (
    "CAST", "TRY_CAST", "EXTRACT", "TRIM", "SUBSTRING", "POSITION", "OVERLAY", "CEIL", "FLOOR",
)

#: Words that may start a Flink statement (used for "did you mean" hints).
STATEMENT_KEYWORDS: tuple[str, ...] = (
    "SELECT", "WITH", "VALUES", "INSERT", "CREATE", "DROP", "ALTER", "SET",
    "RESET", "USE", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "EXECUTE", "BEGIN",
    "ADD", "REMOVE", "LOAD", "UNLOAD", "DELETE", "UPDATE", "TRUNCATE", "REPLACE", "CALL", "ANALYZE", "STOP",
)

INTERVAL_UNITS: frozenset[str] = frozenset(
    u + s
    for u in ("YEAR", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND", "NANOSECOND", "QUARTER")
    for s in ("", "S")
)


def split_chunks(tokens: list[Token]) -> list[list[Token]]:
    """Split tokens into statements at ``;``, keeping a statement set's inner ``;`` inside it.

    A chunk whose first tokens hold ``STATEMENT SET BEGIN`` or ``BEGIN
    STATEMENT SET`` runs to the ``END`` that closes it (CASE ... END inside
    it is counted). Semicolons are dropped; each chunk is one statement.
    """
    chunks: list[list[Token]] = []
    current: list[Token] = []
    in_set = False
    case_depth = 0
    for token in tokens:
        tt = token.token_type
        if tt == TokenType.SEMICOLON and not in_set:
            if current:
                chunks.append(current)
            current = []
            continue
        current.append(token)
        if not in_set and len(current) <= 8 and _opens_set(current):
            in_set = True
            case_depth = 0
        elif in_set:
            if tt == TokenType.CASE:
                case_depth += 1
            elif tt == TokenType.END:
                if case_depth:
                    case_depth -= 1
                else:
                    in_set = False
    if current:
        chunks.append(current)
    return chunks


def _opens_set(tokens: list[Token]) -> bool:
    words = [tok.text.upper() for tok in tokens[-4:]]
    return words[-3:] == ["STATEMENT", "SET", "BEGIN"] or (
        len(tokens) == 3 and words[-3:] == ["BEGIN", "STATEMENT", "SET"]
    )


def _typed_functions() -> dict[str, t.Callable]:
    return {name: parser.Parser.FUNCTIONS[name] for name in TYPED_FUNCTIONS if name in parser.Parser.FUNCTIONS}


class FlinkParser(DdlMixin, StatementMixin, QueryMixin, FunctionMixin, parser.Parser):
    """Parses Flink SQL into sqlglot trees (see the package docstring for their shapes)."""

    FUNCTIONS = _typed_functions()

    FUNCTION_PARSERS = {
        **{k: v for k, v in parser.Parser.FUNCTION_PARSERS.items() if k in SPECIAL_FUNCTIONS},
        "DESCRIPTOR": lambda self: self._parse_descriptor(),
        **json_function_parsers(),
    }

    # IF(c, a, b) stays a call (sqlglot would rewrite it into CASE)
    NO_PAREN_FUNCTION_PARSERS = {"ANY": parser.Parser.NO_PAREN_FUNCTION_PARSERS["ANY"],
                                 "CASE": parser.Parser.NO_PAREN_FUNCTION_PARSERS["CASE"],
                                 "MAP": lambda self: self._parse_map_constructor(),
                                 "$": lambda self: self._parse_substitution()}

    NO_PAREN_FUNCTIONS = {
        TokenType.CURRENT_DATE: exp.CurrentDate,
        TokenType.CURRENT_TIME: exp.CurrentTime,
        TokenType.CURRENT_TIMESTAMP: exp.CurrentTimestamp,
    }

    VERSION_PHRASES = {("FOR", "SYSTEM_TIME"): "SYSTEM_TIME"}

    # `TIMESTAMP '...'` stays a typed literal (not rewritten to CAST)
    TYPE_LITERAL_PARSERS = {
        dtype: (lambda self, this, to: self.expression(fx.TypedLiteral(this=this, to=to)))
        for dtype in (exp.DType.TIMESTAMP, exp.DType.DATE, exp.DType.TIME, exp.DType.TIMESTAMPLTZ)
    }

    STRICT_CAST = True
    LOG_DEFAULTS_TO_LN = False

    FLINK_STATEMENTS: t.ClassVar[dict[str, t.Callable[[FlinkParser], exp.Expr]]] = {
        "CREATE": lambda self: self._parse_flink_create(),
        "REPLACE": lambda self: self._parse_flink_create(replace_only=True),
        "DROP": lambda self: self._parse_flink_drop(),
        "ALTER": lambda self: self._parse_flink_alter(),
        "SET": lambda self: self._parse_flink_set(),
        "RESET": lambda self: self._parse_reset(),
        "INSERT": lambda self: self._parse_flink_insert(),
        "USE": lambda self: self._parse_flink_use(),
        "SHOW": lambda self: self._parse_show(),
        "DESCRIBE": lambda self: self._parse_describe(),
        "DESC": lambda self: self._parse_describe(),
        "EXPLAIN": lambda self: self._parse_explain(),
        "EXECUTE": lambda self: self._parse_execute(),
        "BEGIN": lambda self: self._parse_begin_set(),
        "ADD": lambda self: self._parse_jar("ADD"),
        "REMOVE": lambda self: self._parse_jar("REMOVE"),
        "TRUNCATE": lambda self: self._parse_truncate(),
        "STOP": lambda self: self._parse_stop_job(),
        "ANALYZE": lambda self: self._parse_analyze(),
        "CALL": lambda self: self._parse_call(),
        "LOAD": lambda self: self._parse_module("LOAD"),
        "UNLOAD": lambda self: self._parse_module("UNLOAD"),
    }

    QUERY_TOKENS: t.ClassVar[set[TokenType]] = {
        TokenType.SELECT, TokenType.WITH, TokenType.VALUES, TokenType.L_PAREN,
        TokenType.INSERT, TokenType.DELETE, TokenType.UPDATE,
    }

    error_token: Token | None = None

    def raise_error(self, message: str, token: Token | None = None) -> None:  # type: ignore[override]
        """Record the token of the error being raised (parse_script locates errors by it).

        The last call wins: errors raised while sqlglot tries an alternative are caught
        and retried, so only the one that escapes is the user's error.
        """
        tok = token or self._curr
        at_end = tok is None or tok.token_type == TokenType.SENTINEL
        tok = self._prev if at_end else tok
        self.error_token = None if at_end else tok
        super().raise_error(message, tok or Token.string(""))

    # ---- statements -------------------------------------------------------

    def _parse(self, parse_method, raw_tokens, sql=None):  # type: ignore[override]
        self.reset()
        self.sql = sql or ""
        self._chunks = split_chunks(raw_tokens) or [[]]
        return self._parse_batch_statements(parse_method=parse_method, sep_first_statement=False)

    def _parse_batch_statements(self, parse_method, sep_first_statement=True):  # type: ignore[override]
        expressions = []
        while self._chunk_index < len(self._chunks):
            self._advance_chunk()
            expressions.append(parse_method(self))
            if self._index < self._tokens_size:
                self.raise_error("Unexpected token")
            self.check_errors()
        return expressions

    def _parse_statement(self) -> exp.Expr | None:
        if not self._curr:
            return None
        curr = self._curr
        word = curr.text.upper() if curr.token_type not in (TokenType.STRING, TokenType.IDENTIFIER) else ""
        handler = self.FLINK_STATEMENTS.get(word)
        if handler is not None:
            self._advance()
            comments = self._prev_comments
            self._prev_comments = None  # added below, once (not again by the first node built)
            stmt = handler(self)
            if stmt is not None:
                stmt.add_comments(comments, prepend=True)
            return stmt
        if curr.token_type in self.QUERY_TOKENS:
            stmt = super()._parse_statement()
            if isinstance(stmt, exp.Command):
                self.raise_error("Unsupported statement", curr)
            return stmt
        self.raise_error(f"Expected a statement, found {curr.text!r}", curr)
        return None

    def parse_set_operation(self, this: exp.Expr | None, consume_pipe: bool = False,  # type: ignore[override]
                            intersect_only: bool = False) -> exp.SetOperation | None:
        # Flink (Calcite) takes ORDER BY / LIMIT / OFFSET only after the last operand, where they
        # apply to the whole set operation; on an earlier operand they need parentheses
        operand = this.expression if isinstance(this, exp.SetOperation) else this
        if (
            isinstance(operand, exp.Query)
            and any(operand.args.get(k) for k in ("order", "limit", "offset", "fetch"))
            and self._curr
            and self._curr.token_type in self.SET_OPERATIONS
        ):
            self.raise_error(f"ORDER BY, LIMIT or OFFSET before {self._curr.text.upper()}; hint: put that "
                             "SELECT in parentheses (after the last SELECT they apply to the whole result)")
        return super().parse_set_operation(this, consume_pipe=consume_pipe, intersect_only=intersect_only)

    def _parse_table_alias(self, alias_tokens: t.Collection[TokenType] | None = None) -> exp.TableAlias | None:
        start = self._curr
        alias = super()._parse_table_alias(alias_tokens=alias_tokens)
        if alias is not None and alias.this is None and alias.args.get("columns"):
            # sqlglot takes `(a, b)` with no name before it as a column list (and writes a made-up name)
            self.raise_error("A column list needs a table alias before it; hint: write AS t (a, b)", start)
        return alias

    # ---- table functions and their arguments ------------------------------

    def _parse_table(self, schema=False, joins=False, alias_tokens=None, parse_bracket=False,  # type: ignore[override]
                     is_db_reference=False, parse_partition=False, consume_pipe=False):
        if (
            not schema
            and self._curr
            and self._curr.token_type == TokenType.TABLE
            and self._next
            and self._next.token_type == TokenType.L_PAREN
        ):
            start = self._index
            self._advance(2)
            func = self._parse_function(any_token=True)
            if func is None:
                self.raise_error("Expected a table function call inside TABLE(...)")
            self._match_r_paren()
            node = self.expression(fx_table_from_rows(func), self._tokens[start])
            alias = self._parse_table_alias(alias_tokens=alias_tokens or self.TABLE_ALIAS_TOKENS)
            if alias:
                node.set("alias", alias)
            return node
        return super()._parse_table(schema=schema, joins=joins, alias_tokens=alias_tokens,
                                    parse_bracket=parse_bracket, is_db_reference=is_db_reference,
                                    parse_partition=parse_partition, consume_pipe=consume_pipe)

    def _parse_lateral(self) -> exp.Lateral | None:
        if (
            self._curr
            and self._curr.token_type == TokenType.LATERAL
            and self._next
            and self._next.token_type == TokenType.TABLE
        ):
            self._advance(2)
            if not self._match(TokenType.L_PAREN):
                self.raise_error("Expected ( after LATERAL TABLE")
            func = self._parse_function(any_token=True)
            if func is None:
                self.raise_error("Expected a table function call inside LATERAL TABLE(...)")
            self._match_r_paren()
            alias = self._parse_table_alias()
            return self.expression(exp.Lateral(this=fx_table_from_rows(func), alias=alias))
        return super()._parse_lateral()

    def _parse_lambda(self, alias: bool = False) -> exp.Expr | None:
        arg = self._parse_table_function_arg()
        if arg is not None:
            return arg
        if (
            self._curr
            and self._next
            and self._next.token_type == TokenType.FARROW
            and self._curr.token_type not in (TokenType.STRING, TokenType.NUMBER, TokenType.L_PAREN)
        ):
            name = self.expression(exp.var(self._curr.text.upper()), self._curr)
            self._advance(2)
            value = self._parse_table_function_arg() or self._parse_disjunction()
            return self.expression(exp.Kwarg(this=name, expression=value))
        return super()._parse_lambda(alias=alias)

    def _parse_descriptor(self) -> fx.Descriptor:
        keyword = self._tokens[self._index - 2]  # DESCRIPTOR ( already consumed
        return self.expression(fx.Descriptor(expressions=self._parse_csv(self._parse_column)), keyword)

    def _parse_table_function_arg(self) -> exp.Expr | None:
        curr, nxt = self._curr, self._next
        # `TABLE name` / `MODEL name`: the keyword must be followed by a name (so a column called model stays one)
        if not curr or not nxt or not (nxt.token_type in self.ID_VAR_TOKENS or nxt.token_type == TokenType.IDENTIFIER):
            return None
        if curr.token_type == TokenType.TABLE:
            self._advance()
            table = self._parse_table_parts()
            partition = None
            if self._match(TokenType.PARTITION_BY):  # one key, or several in parentheses
                if self._match(TokenType.L_PAREN):
                    partition = self._parse_csv(self._parse_bitwise)
                    self._expect(TokenType.R_PAREN, ")")
                else:
                    partition = [self._parse_bitwise()]
            order = self._parse_order()
            return self.expression(fx.TableArgument(this=table, partition_by=partition, order=order), curr)
        if curr.text.upper() == "MODEL" and curr.token_type != TokenType.IDENTIFIER:
            self._advance()
            return self.expression(fx.ModelArgument(this=self._parse_table_parts()), curr)
        return None

    def _parse_table_parts(self, *args: t.Any, **kwargs: t.Any) -> exp.Table:
        table = super()._parse_table_parts(*args, **kwargs)
        if table is not None and self._curr and self._curr.token_type == TokenType.HINT:
            table.set("hints", self._parse_table_hints())
        return table

    def _parse_version(self) -> exp.Version | None:
        if not self._match_text_seq("FOR", "SYSTEM_TIME"):
            return None
        if not self._match_text_seq("AS", "OF"):
            self.raise_error("Expected AS OF after FOR SYSTEM_TIME; hint: write FOR SYSTEM_TIME AS OF o.ts")
        return self.expression(exp.Version(this="SYSTEM_TIME", kind="AS OF", expression=self._parse_bitwise()))

    def _parse_table_hints(self) -> list[exp.Expr] | None:
        if self._match(TokenType.HINT):
            return [self._hint_from_token(self._prev)]
        return None

    def _parse_hint(self) -> exp.Hint | None:
        if self._match(TokenType.HINT):
            return self._hint_from_token(self._prev)
        return None

    def _hint_from_token(self, token: Token) -> exp.Hint:
        """Parse the body of a ``/*+ ... */`` token, with positions in the file (not in the hint)."""
        self._prev_comments = None
        text = token.comments[0] if token.comments else ""
        try:
            hint = exp.maybe_parse(text, into=exp.Hint, dialect=self.dialect)
        except (SqlglotParseError, TokenError):
            self.raise_error("Malformed hint: expected /*+ NAME(...) [, ...] */", token)
            return exp.Hint(expressions=[])
        base = token.start + 3
        single_line = "\n" not in token.text
        first_col = token.col - len(token.text) + 1
        for node in hint.walk():
            meta = node._meta
            if meta and "start" in meta:
                meta["start"] += base
                meta["end"] += base
                if single_line:
                    meta["line"], meta["col"] = token.line, first_col + 3 + meta["col"] - 1
                else:
                    meta.pop("line", None)
                    meta.pop("col", None)
        return hint

    # ---- expressions ------------------------------------------------------

    def _parse_primary(self) -> exp.Expr | None:
        if (
            self._curr and self._curr.token_type == TokenType.STRING
            and self._next and self._next.token_type == TokenType.STRING
        ):
            self.raise_error("Two string literals in a row; hint: join them into one string, or use ||", self._next)
        return super()._parse_primary()

    def _parse_interval(self, require_interval: bool = True, parse_function_unit: bool = True):  # type: ignore[override]
        if not self._match(TokenType.INTERVAL):
            return None
        keyword = self._prev
        sign = None
        if self._match_set((TokenType.DASH, TokenType.PLUS)):
            sign = self._prev.text
        if not self._match_set((TokenType.STRING, TokenType.NUMBER)):
            self.raise_error("Expected a quoted interval value, e.g. INTERVAL '5' SECOND")
            return None
        tok = self._prev
        value: exp.Expr = self.expression(exp.Literal(this=tok.text, is_string=tok.token_type == TokenType.STRING), tok)
        if sign == "-":
            value = exp.Neg(this=value)
        unit = self._parse_interval_unit()
        if unit is None:
            self.raise_error("Expected an interval unit (SECOND, MINUTE, HOUR, DAY, ...)")
        if self._match_text_seq("TO"):
            end = self._parse_interval_unit()
            if end is None:
                self.raise_error("Expected an interval unit after TO")
            unit = self.expression(exp.IntervalSpan(this=unit, expression=end))
        return self.expression(exp.Interval(this=value, unit=unit), keyword)

    def _parse_interval_unit(self) -> exp.Expr | None:
        if not self._curr or self._curr.text.upper() not in INTERVAL_UNITS:
            return None
        tok = self._curr
        self._advance()
        unit: exp.Expr = self.expression(exp.var(tok.text.upper()), tok)
        if self._match(TokenType.L_PAREN):
            unit = self.expression(exp.Anonymous(this=tok.text.upper(), expressions=self._parse_csv(self._parse_number)))
            self._match_r_paren()
        return unit


def fx_table_from_rows(func: exp.Expr) -> exp.TableFromRows:
    """``TABLE(f(...))`` as sqlglot's TableFromRows."""
    return exp.TableFromRows(this=func)
