"""Flink's own statements: INSERT, SET/RESET, USE, SHOW, DESCRIBE, EXPLAIN, statement sets and the rest.

A parser mixin for :class:`sqlflow.dialect.parser.FlinkParser`; each method
parses one statement after its first keyword (see ``FlinkParser.FLINK_STATEMENTS``).
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlflow.dialect import expressions as fx

#: What SHOW can list (multi-word kinds included); those in _SHOW_NAMED take an object name.
SHOW_KINDS: tuple[str, ...] = (
    "CATALOGS", "CURRENT CATALOG", "DATABASES", "CURRENT DATABASE", "TABLES",
    "VIEWS", "FUNCTIONS", "USER FUNCTIONS", "MODULES", "FULL MODULES", "JARS",
    "JOBS", "PROCEDURES", "MODELS", "MATERIALIZED TABLES", "COLUMNS",
    "PARTITIONS", "CREATE TABLE", "CREATE VIEW", "CREATE CATALOG", "CREATE MODEL",
    "CREATE FUNCTION", "CREATE MATERIALIZED TABLE",
)
_SHOW_NAMED = {"PARTITIONS", "CREATE TABLE", "CREATE VIEW", "CREATE CATALOG", "CREATE MODEL",
               "CREATE FUNCTION", "CREATE MATERIALIZED TABLE"}

DESCRIBE_KINDS: tuple[str, ...] = ("MODEL", "CATALOG", "DATABASE", "FUNCTION", "JOB", "TABLE", "VIEW")

EXPLAIN_DETAILS: tuple[str, ...] = ("ESTIMATED_COST", "CHANGELOG_MODE", "PLAN_ADVICE", "JSON_EXECUTION_PLAN")


def _last_node(tree: exp.Expr) -> exp.Expr:
    """The node written last in ``tree`` (largest end offset), where a trailing comment belongs."""
    best, end = tree, -1
    for node in tree.walk():
        meta = node._meta
        if meta and meta.get("end", -1) > end:
            best, end = node, meta["end"]
    return best


class StatementMixin:
    """Parsers for Flink's non-DDL statements."""

    if t.TYPE_CHECKING:  # the parser methods this mixin calls come from sqlglot's Parser
        def __getattr__(self, name: str) -> t.Any: ...

    def _parse_flink_insert(self) -> exp.Insert:
        if self._match(TokenType.OVERWRITE):
            overwrite = True
        elif self._match(TokenType.INTO):
            overwrite = False
        else:
            self.raise_error("Expected INTO or OVERWRITE after INSERT")
        table = self._parse_name()
        if self._match(TokenType.PARTITION):
            self._expect(TokenType.L_PAREN, "(")
            specs = self._parse_csv(self._parse_partition_spec)
            self._expect(TokenType.R_PAREN, ")")
            table.set("partition", self.expression(exp.Partition(expressions=specs)))
        this: exp.Expr = table
        if self._curr and self._curr.token_type == TokenType.L_PAREN and self._next and \
                self._next.token_type not in (TokenType.SELECT, TokenType.WITH, TokenType.VALUES, TokenType.L_PAREN):
            self._advance()
            cols = self._parse_csv(self._parse_id_var)
            self._expect(TokenType.R_PAREN, ")")
            this = self.expression(exp.Schema(this=table, expressions=cols))
        return self.expression(exp.Insert(this=this, overwrite=overwrite, expression=self._parse_query()))

    def _parse_partition_spec(self) -> exp.Expr:
        key = self._parse_id_var()
        self._expect(TokenType.EQ, "=")
        value = self._parse_primary()
        if value is None:
            self.raise_error("Expected a literal partition value")
        return self.expression(exp.EQ(this=key, expression=value))

    def _parse_flink_set(self) -> exp.Set:
        if not self._curr:
            return self.expression(exp.Set(expressions=[]))
        if not self._match(TokenType.STRING):
            self.raise_error("Expected a quoted option key: SET 'key' = 'value'")
        key = self.expression(exp.Literal.string(self._prev.text), self._prev)
        if not self._match(TokenType.EQ):
            self.raise_error("Expected = after the option key")
        if not self._match_set((TokenType.STRING, TokenType.NUMBER)):
            self.raise_error("Expected a quoted option value: SET 'key' = 'value'")
        value = self.expression(exp.Literal(this=self._prev.text, is_string=self._prev.token_type == TokenType.STRING), self._prev)
        item = self.expression(exp.SetItem(this=exp.EQ(this=key, expression=value)))
        return self.expression(exp.Set(expressions=[item]))

    def _parse_reset(self) -> fx.Reset:
        key = self._parse_string() if self._curr else None
        return self.expression(fx.Reset(this=key))

    def _parse_flink_use(self) -> exp.Expr:
        if self._match_text_seq("CATALOG"):
            return self.expression(exp.Use(kind=exp.var("CATALOG"), this=self._parse_name()))
        if self._match_text_seq("MODULES"):
            return self.expression(fx.ModuleCommand(this="USE MODULES", expressions=self._parse_csv(self._parse_id_var)))
        return self.expression(exp.Use(this=self._parse_name()))

    def _parse_name(self) -> exp.Table:
        """A possibly qualified object name (``cat.db.obj``) as an ``exp.Table``."""
        if not self._curr or self._curr.token_type in (TokenType.STRING, TokenType.L_PAREN, TokenType.R_PAREN, TokenType.COMMA):
            self.raise_error("Expected a name")
        table = self._parse_table_parts(schema=True)
        if table is None or not table.name:
            self.raise_error("Expected a name")
        return table

    def _parse_show(self) -> fx.Show:
        words: list[str] = []
        start = self._index
        best = None
        for _ in range(3):
            if not self._curr:
                break
            words.append(self._curr.text.upper())
            self._advance()
            if " ".join(words) in SHOW_KINDS:
                best = (" ".join(words), self._index)
        if best is None:
            self._retreat(start)
            from sqlflow.errors import did_you_mean

            guess = did_you_mean(self._curr.text if self._curr else "", SHOW_KINDS) if self._curr else None
            self.raise_error("Expected what to SHOW (TABLES, VIEWS, FUNCTIONS, ...)" + (f"; did you mean {guess}?" if guess else ""))
            return self.expression(fx.Show(this=exp.var("?")))
        kind, index = best
        self._retreat(index)
        target = self._parse_name() if kind in _SHOW_NAMED else None
        partition = None
        if kind == "PARTITIONS" and self._match(TokenType.PARTITION):
            self._expect(TokenType.L_PAREN, "(")
            partition = self.expression(exp.Partition(expressions=self._parse_csv(self._parse_partition_spec)))
            self._expect(TokenType.R_PAREN, ")")
        scope = self._parse_name() if self._match_set((TokenType.FROM, TokenType.IN)) else None
        not_ = self._match(TokenType.NOT)
        like = ilike = None
        if self._match(TokenType.LIKE):
            like = self._parse_string()
        elif self._match(TokenType.ILIKE):
            ilike = self._parse_string()
        elif not_:
            self.raise_error("Expected LIKE or ILIKE after NOT")
        return self.expression(fx.Show(this=exp.var(kind), target=target, partition=partition, scope=scope,
                                       like=like, ilike=ilike, not_=bool(not_)))

    def _parse_describe(self) -> fx.Describe:
        short = self._prev.text.upper() == "DESC"
        extended = self._match_text_seq("EXTENDED")
        kind = None
        if self._curr and self._next and self._curr.text.upper() in DESCRIBE_KINDS and \
                self._next.token_type not in (TokenType.DOT, TokenType.SEMICOLON):
            kind = self._curr.text.upper()
            self._advance()
            extended = extended or self._match_text_seq("EXTENDED")  # DESC CATALOG EXTENDED c
        return self.expression(fx.Describe(this=self._parse_name(), kind=kind, extended=bool(extended), short=short))

    def _parse_explain(self) -> fx.Explain:
        plan_for = bool(self._match_text_seq("PLAN", "FOR"))
        details: list[exp.Expr] = []
        if not plan_for:
            while self._curr and self._curr.text.upper() in EXPLAIN_DETAILS:
                details.append(self.expression(exp.var(self._curr.text.upper()), self._curr))
                self._advance()
                if not self._match(TokenType.COMMA):
                    break
        if self._match_text_seq("STATEMENT", "SET", "BEGIN"):
            this: exp.Expr | None = self._parse_set_body(sql_client=False)
        else:
            this = self._parse_statement()
        if this is None:
            self.raise_error("Expected a statement to EXPLAIN")
        return self.expression(fx.Explain(this=this, details=details, plan_for=plan_for))

    def _parse_execute(self) -> exp.Expr:
        if self._match_text_seq("STATEMENT", "SET", "BEGIN"):
            return self._parse_set_body(sql_client=False)
        stmt = self._parse_statement()
        if stmt is None:
            self.raise_error("Expected STATEMENT SET, INSERT or a query after EXECUTE")
        return self.expression(fx.Execute(this=stmt))

    def _parse_begin_set(self) -> fx.StatementSet:
        if not self._match_text_seq("STATEMENT", "SET"):
            self.raise_error("Expected STATEMENT SET after BEGIN")
        return self._parse_set_body(sql_client=True)

    def _parse_set_body(self, sql_client: bool) -> fx.StatementSet:
        """The INSERTs of a statement set up to its ``END`` (``;`` separated)."""
        inserts: list[exp.Expr] = []
        while True:
            while self._match(TokenType.SEMICOLON):
                pass
            if not self._curr:
                self.raise_error("Statement set is not closed: expected END")
                break
            if self._match(TokenType.END):
                break
            start = self._curr
            stmt = self._parse_statement()
            if not isinstance(stmt, exp.Insert):
                self.raise_error("A statement set holds only INSERT statements", start)
                break
            stmt.meta["span"] = (start.start, self._prev.end)  # its own text, for running it alone
            inserts.append(stmt)
            if self._curr and self._curr.token_type == TokenType.SEMICOLON and self._curr.comments:
                _last_node(stmt).add_comments(self._curr.comments)  # `INSERT ...; -- note` keeps its note
            if not self._match(TokenType.SEMICOLON) and not (self._curr and self._curr.token_type == TokenType.END):
                self.raise_error("Expected ; after an INSERT of the statement set")
                break
        if not inserts and not self.errors:
            self.raise_error("Empty statement set")
        return self.expression(fx.StatementSet(expressions=inserts, sql_client=sql_client))

    def _parse_truncate(self) -> exp.TruncateTable:
        if not self._match(TokenType.TABLE):
            self.raise_error("Expected TABLE after TRUNCATE")
        return self.expression(exp.TruncateTable(expressions=[self._parse_name()]))

    def _parse_analyze(self) -> fx.Analyze:
        if not self._match(TokenType.TABLE):
            self.raise_error("Expected TABLE after ANALYZE")
        name = self._parse_name()
        partition = None
        if self._match(TokenType.PARTITION):
            self._expect(TokenType.L_PAREN, "(")
            partition = self._parse_csv(
                lambda: self._parse_partition_spec() if self._next and self._next.token_type == TokenType.EQ
                else self._parse_id_var()
            )
            self._expect(TokenType.R_PAREN, ")")
        if not self._match_text_seq("COMPUTE", "STATISTICS"):
            self.raise_error("Expected COMPUTE STATISTICS")
        columns, all_columns, wrapped = None, False, False
        if self._match_text_seq("FOR", "ALL", "COLUMNS"):
            all_columns = True
        elif self._match_text_seq("FOR", "COLUMNS"):
            wrapped = bool(self._match(TokenType.L_PAREN))
            columns = self._parse_csv(self._parse_id_var)
            if wrapped:
                self._expect(TokenType.R_PAREN, ")")
        return self.expression(fx.Analyze(this=name, partition=partition, columns=columns,
                                          all_columns=all_columns, wrapped=wrapped))

    def _parse_stop_job(self) -> fx.StopJob:
        if not self._match_text_seq("JOB"):
            self.raise_error("Expected JOB after STOP")
        job = self._parse_string()
        if job is None:
            self.raise_error("Expected the job id as a string, e.g. STOP JOB '228d70913eab60dda85c5e7f78b5782c'")
        savepoint = bool(self._match_text_seq("WITH", "SAVEPOINT"))
        drain = bool(self._match_text_seq("WITH", "DRAIN"))
        return self.expression(fx.StopJob(this=job, savepoint=savepoint, drain=drain))

    def _parse_call(self) -> fx.Call:
        parts = [self._parse_id_var(any_token=False)]
        while parts[-1] is not None and self._match(TokenType.DOT):
            parts.append(self._parse_id_var(any_token=True))
        if any(p is None for p in parts) or len(parts) > 3:
            self.raise_error("Expected a procedure name after CALL, e.g. CALL `system`.generate_n(4)")
        parts = [None] * (3 - len(parts)) + parts
        name = exp.Table(catalog=parts[0], db=parts[1], this=parts[2])
        self._expect(TokenType.L_PAREN, "( after the procedure name")
        args = [] if self._curr and self._curr.token_type == TokenType.R_PAREN else self._parse_csv(self._parse_lambda)
        self._expect(TokenType.R_PAREN, ")")
        return self.expression(fx.Call(this=name, expressions=args))

    def _parse_jar(self, verb: str) -> fx.JarCommand:
        if not self._match_text_seq("JAR"):
            self.raise_error(f"Expected JAR after {verb}")
        return self.expression(fx.JarCommand(this=verb, expression=self._parse_string()))

    def _parse_module(self, verb: str) -> fx.ModuleCommand:
        if not self._match_text_seq("MODULE"):
            self.raise_error(f"Expected MODULE after {verb}")
        name = self._parse_id_var()
        props = self._parse_with_options() if verb == "LOAD" and self._match(TokenType.WITH) else None
        return self.expression(fx.ModuleCommand(this=f"{verb} MODULE", expressions=[name], properties=props))
