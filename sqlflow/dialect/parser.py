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
from sqlflow.dialect.alter import AlterMixin
from sqlflow.dialect.ddl import DdlMixin
from sqlflow.dialect.functions import FunctionMixin, json_function_parsers
from sqlflow.dialect.queries import QueryMixin
from sqlflow.dialect.statements import StatementMixin
from sqlflow.dialect.types import TypeMixin

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
    "COMPILE", "UPSERT", "MERGE",
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
        if not in_set and len(current) <= 12 and _opens_set(current):
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


class FlinkParser(DdlMixin, AlterMixin, TypeMixin, StatementMixin, QueryMixin, FunctionMixin, parser.Parser):
    """Parses Flink SQL into sqlglot trees (see the package docstring for their shapes)."""

    FUNCTIONS = _typed_functions()
    FUNC_TOKENS = {*parser.Parser.FUNC_TOKENS, TokenType.SESSION}  # GROUP BY SESSION(ts, INTERVAL ...)
    ID_VAR_TOKENS = {*parser.Parser.ID_VAR_TOKENS, TokenType.SESSION}  # `session` is no reserved word

    FUNCTION_PARSERS = {
        **{k: v for k, v in parser.Parser.FUNCTION_PARSERS.items() if k in SPECIAL_FUNCTIONS},
        "DESCRIPTOR": lambda self: self._parse_descriptor(),
        "CONVERT": lambda self: self._parse_transcode(),
        "TRANSLATE": lambda self: self._parse_transcode(),
        **json_function_parsers(),
    }

    # IF(c, a, b) stays a call (sqlglot would rewrite it into CASE)
    NO_PAREN_FUNCTION_PARSERS = {"ANY": parser.Parser.NO_PAREN_FUNCTION_PARSERS["ANY"],
                                 "SOME": parser.Parser.NO_PAREN_FUNCTION_PARSERS["ANY"],
                                 "CASE": parser.Parser.NO_PAREN_FUNCTION_PARSERS["CASE"],
                                 "MAP": lambda self: self._parse_map_constructor(),
                                 "MULTISET": lambda self: self._parse_multiset_constructor(),
                                 "$": lambda self: self._parse_substitution()}

    NO_PAREN_FUNCTIONS = {
        TokenType.CURRENT_DATE: exp.CurrentDate,
        TokenType.CURRENT_TIME: exp.CurrentTime,
        TokenType.CURRENT_TIMESTAMP: exp.CurrentTimestamp,
    }

    VERSION_PHRASES = {("FOR", "SYSTEM_TIME"): "SYSTEM_TIME"}

    # Flink's joins: [NATURAL] [LEFT | RIGHT | FULL] [INNER | OUTER | CROSS] JOIN (no ANTI, SEMI, ASOF)
    JOIN_METHODS = {TokenType.NATURAL}
    JOIN_KINDS = {TokenType.CROSS, TokenType.INNER, TokenType.OUTER}

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
        "UPSERT": lambda self: self._parse_flink_insert(upsert=True),
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
        "COMPILE": lambda self: self._parse_compile_plan(),
    }

    QUERY_TOKENS: t.ClassVar[set[TokenType]] = {
        TokenType.SELECT, TokenType.WITH, TokenType.VALUES, TokenType.L_PAREN,
        TokenType.INSERT, TokenType.DELETE, TokenType.UPDATE, TokenType.MERGE,
    }

    error_token: Token | None = None
    _pending_hints: list[exp.Expr] | None = None

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
        if curr.token_type == TokenType.TABLE:
            query = self._parse_select()
            if not isinstance(query, (fx.ExplicitTable, exp.SetOperation)):
                self.raise_error("Expected TABLE name (the whole table as a query)", curr)
            return query
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
        if not schema and self._curr and self._curr.token_type == TokenType.TABLE and self._next \
                and self._next.token_type != TokenType.L_PAREN:
            self.raise_error("TABLE without a function call; hint: write FROM t (TABLE t passes a table to a"
                             " table function: FROM TABLE(f(TABLE t, ...)))")
        return super()._parse_table(schema=schema, joins=joins, alias_tokens=alias_tokens,
                                    parse_bracket=parse_bracket, is_db_reference=is_db_reference,
                                    parse_partition=parse_partition, consume_pipe=consume_pipe)

    def _parse_join(self, skip_join_token: bool = False, parse_bracket: bool = False,  # type: ignore[override]
                    alias_tokens: t.Any = None) -> exp.Join | None:
        if self._curr and self._next and self._curr.token_type in (TokenType.CROSS, TokenType.OUTER) \
                and self._next.token_type == TokenType.APPLY:
            self.raise_error("Flink has no APPLY; hint: write CROSS JOIN LATERAL TABLE(f(...)) or LEFT JOIN"
                             " LATERAL TABLE(f(...)) ON TRUE")
        return super()._parse_join(skip_join_token=skip_join_token, parse_bracket=parse_bracket,
                                   alias_tokens=alias_tokens)

    def _parse_star_op(self, *keywords: str) -> list[exp.Expr] | None:
        if self._curr and self._curr.text.upper() in keywords and self._next \
                and self._next.token_type == TokenType.L_PAREN:
            self.raise_error(f"Flink has no SELECT * {self._curr.text.upper()} (...); hint: list the columns")
        return None

    def _parse_limit(self, this: exp.Expr | None = None, top: bool = False,  # type: ignore[override]
                     skip_limit_token: bool = False) -> exp.Expr | None:
        if self._curr and self._curr.token_type == TokenType.LIMIT and self._index + 2 < len(self._tokens) \
                and self._tokens[self._index + 2].token_type == TokenType.COMMA:
            self.raise_error("Flink has no LIMIT offset, count; hint: write LIMIT count OFFSET offset",
                             self._tokens[self._index + 2])
        return super()._parse_limit(this, top=top, skip_limit_token=skip_limit_token)

    def _parse_select(self, nested: bool = False, table: bool = False,  # type: ignore[override]
                      parse_subquery_alias: bool = True, parse_set_operation: bool = True,
                      consume_pipe: bool = True) -> exp.Expr | None:
        if self._curr and self._curr.token_type == TokenType.TABLE and self._next \
                and self._next.token_type in (TokenType.VAR, TokenType.IDENTIFIER) \
                and not (self._index + 2 < len(self._tokens)
                         and self._tokens[self._index + 2].token_type == TokenType.L_PAREN):
            start = self._curr
            self._advance()
            name = self._parse_table_parts()
            query: exp.Expr = self.expression(fx.ExplicitTable(expressions=[exp.Star()], from_=exp.From(this=name)),
                                              start)
            return self._parse_set_operations(query) if parse_set_operation else query
        return super()._parse_select(nested=nested, table=table, parse_subquery_alias=parse_subquery_alias,
                                     parse_set_operation=parse_set_operation, consume_pipe=consume_pipe)

    def _parse_alias(self, this: exp.Expr | None, explicit: bool = False) -> exp.Expr | None:
        """sqlglot's alias, marked ``implicit_alias`` when written without AS (``a b``): a missing comma
        between two SELECT items reads that way, and the compiler tells the two apart."""
        written_as = self._curr is not None and self._curr.token_type == TokenType.ALIAS
        node = super()._parse_alias(this, explicit)
        if isinstance(node, exp.Alias) and node is not this and not written_as:
            node.meta["implicit_alias"] = True
        return node

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
            tok = self._curr  # the parameter name as written; a backquoted one stays quoted (`OFFSET`)
            name = self.expression(exp.Identifier(this=tok.text, quoted=True) if tok.token_type == TokenType.IDENTIFIER
                                   else exp.var(tok.text), tok)
            self._advance(2)
            value = self._parse_table_function_arg() or self._parse_disjunction()
            return self.expression(exp.Kwarg(this=name, expression=value))
        return super()._parse_lambda(alias=alias)

    def _parse_descriptor(self) -> fx.Descriptor:
        keyword = self._tokens[self._index - 2]  # DESCRIPTOR ( already consumed
        return self.expression(fx.Descriptor(expressions=self._parse_csv(self._parse_column)), keyword)

    def _parse_table_function_arg(self) -> exp.Expr | None:
        curr, nxt = self._curr, self._next
        if curr and nxt and curr.token_type == TokenType.L_PAREN and nxt.token_type in (
                TokenType.SELECT, TokenType.WITH, TokenType.VALUES):
            return self._parse_query_table_argument()
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
            order, wrapped = self._parse_table_argument_order()
            return self.expression(fx.TableArgument(this=table, partition_by=partition, order=order,
                                                    order_wrapped=wrapped), curr)
        if curr.text.upper() == "MODEL" and curr.token_type != TokenType.IDENTIFIER:
            self._advance()
            return self.expression(fx.ModelArgument(this=self._parse_table_parts()), curr)
        return None

    def _parse_query_table_argument(self) -> exp.Expr | None:
        """``(SELECT ...) PARTITION BY k [ORDER BY ...]``: a query passed as a table with set semantics."""
        start, index = self._curr, self._index
        query = self._parse_wrapped(lambda: self._parse_set_operations(self._parse_select(nested=True)))
        if not (self._curr and self._curr.token_type in (TokenType.PARTITION_BY, TokenType.ORDER_BY)):
            self._retreat(index)  # a scalar subquery argument, parsed as an expression
            return None
        partition = None
        if self._match(TokenType.PARTITION_BY):
            if self._match(TokenType.L_PAREN):
                partition = self._parse_csv(self._parse_bitwise)
                self._expect(TokenType.R_PAREN, ")")
            else:
                partition = [self._parse_bitwise()]
        order, wrapped = self._parse_table_argument_order()
        sub = self.expression(exp.Subquery(this=query), start)
        return self.expression(fx.TableArgument(this=sub, partition_by=partition, order=order,
                                                order_wrapped=wrapped), start)

    def _parse_table_argument_order(self) -> tuple[exp.Order | None, bool]:
        """``ORDER BY key [ASC|DESC]`` or ``ORDER BY (k1 ASC, k2 DESC)`` of a table argument."""
        if not (self._curr and self._curr.token_type == TokenType.ORDER_BY):
            return None, False
        if not (self._next and self._next.token_type == TokenType.L_PAREN):
            return self._parse_order(), False
        start = self._curr
        self._advance(2)
        keys = self._parse_csv(self._parse_ordered)
        self._expect(TokenType.R_PAREN, ") to close the ORDER BY keys")
        return self.expression(exp.Order(expressions=keys), start), True

    def _parse_table_parts(self, *args: t.Any, **kwargs: t.Any) -> exp.Table:
        table = super()._parse_table_parts(*args, **kwargs)
        self._pending_hints = None
        if table is not None and self._curr and self._curr.token_type == TokenType.HINT:
            self._advance()
            self._pending_hints = [self._hint_from_token(self._prev)]
            table.set("hints", self._pending_hints)
        if table is not None and self._curr and self._curr.text.upper() == "EXTEND" and self._next \
                and self._next.token_type == TokenType.L_PAREN:
            start = self._curr
            self._advance(2)
            cols = self._parse_csv(self._parse_extend_column)
            self._expect(TokenType.R_PAREN, ")")
            table.set("extend", self.expression(fx.Extend(expressions=cols), start))
        return table

    def _parse_extend_column(self) -> exp.Expr:
        name = self._parse_id_var(any_token=True)
        return self.expression(exp.ColumnDef(this=name, kind=self._expect_type()))

    def _parse_version(self) -> exp.Version | None:
        if not self._match_text_seq("FOR", "SYSTEM_TIME"):
            return None
        if not self._match_text_seq("AS", "OF"):
            self.raise_error("Expected AS OF after FOR SYSTEM_TIME; hint: write FOR SYSTEM_TIME AS OF o.ts")
        return self.expression(exp.Version(this="SYSTEM_TIME", kind="AS OF", expression=self._parse_bitwise()))

    def _parse_table_hints(self) -> list[exp.Expr] | None:
        """The ``/*+ ... */`` after a table name: sqlglot asks for it again after the alias and version,
        so the one read with the name (``t /*+ OPTIONS(...) */ FOR SYSTEM_TIME AS OF ...``) is kept."""
        if self._match(TokenType.HINT):
            return [self._hint_from_token(self._prev)]
        pending, self._pending_hints = self._pending_hints, None
        return pending

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
