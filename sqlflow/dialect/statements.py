"""Flink's own statements: INSERT, SET/RESET, USE, SHOW, DESCRIBE, EXPLAIN, statement sets and the rest.

A parser mixin for :class:`sqlflow.dialect.parser.FlinkParser`; each method
parses one statement after its first keyword (see ``FlinkParser.FLINK_STATEMENTS``).
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlflow.dialect import expressions as fx
from sqlflow.errors import did_you_mean

#: What SHOW can list, with what may follow: ``name`` (an object name), ``scope`` (FROM | IN a
#: catalog or database), ``like`` ([NOT] LIKE), ``ilike`` ([NOT] ILIKE), as Flink 2.2's grammar has it.
SHOW_KINDS: dict[str, frozenset[str]] = {
    "CATALOGS": frozenset({"like", "ilike"}),
    "CURRENT CATALOG": frozenset(),
    "DATABASES": frozenset({"scope", "like", "ilike"}),
    "CURRENT DATABASE": frozenset(),
    "TABLES": frozenset({"scope", "like"}),
    "VIEWS": frozenset({"scope", "like"}),
    "FUNCTIONS": frozenset({"scope", "like", "ilike"}),
    "USER FUNCTIONS": frozenset({"scope", "like", "ilike"}),
    "PROCEDURES": frozenset({"scope", "like", "ilike"}),
    "MODELS": frozenset({"scope", "like"}),
    "MATERIALIZED TABLES": frozenset({"scope", "like"}),
    "COLUMNS": frozenset({"of", "like"}),
    "PARTITIONS": frozenset({"name", "partition"}),
    "MODULES": frozenset(),
    "FULL MODULES": frozenset(),
    "JARS": frozenset(),
    "JOBS": frozenset(),
    "CREATE TABLE": frozenset({"name"}),
    "CREATE VIEW": frozenset({"name"}),
    "CREATE CATALOG": frozenset({"name"}),
    "CREATE MODEL": frozenset({"name"}),
    "CREATE MATERIALIZED TABLE": frozenset({"name"}),
}

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


def _literal(value: exp.Expr | None) -> bool:
    """A constant as a partition value: a literal, a signed number, a typed literal, TRUE/FALSE/NULL."""
    if isinstance(value, exp.Neg):
        value = value.this
    return isinstance(value, (exp.Literal, fx.TypedLiteral, exp.Boolean, exp.Null, fx.Substitution))


def _explainable(stmt: exp.Expr) -> bool:
    """What Flink's EXPLAIN takes: a query, an INSERT (EXECUTE'd or not), a statement set, CTAS and RTAS."""
    if isinstance(stmt, fx.Execute):
        stmt = stmt.this
    if isinstance(stmt, exp.Create):
        return stmt.kind == "TABLE" and stmt.expression is not None
    return isinstance(stmt, (exp.Query, exp.Values, exp.Insert, fx.StatementSet))


class StatementMixin:
    """Parsers for Flink's non-DDL statements."""

    if t.TYPE_CHECKING:  # the parser methods this mixin calls come from sqlglot's Parser
        def __getattr__(self, name: str) -> t.Any: ...

    def _parse_flink_insert(self, upsert: bool = False) -> exp.Insert:
        keyword = self._prev  # INSERT / UPSERT: where the statement's text starts
        if not upsert and self._match(TokenType.OVERWRITE):
            overwrite = True
        elif self._match(TokenType.INTO):
            overwrite = False
        else:
            self.raise_error("Expected INTO after UPSERT" if upsert else "Expected INTO or OVERWRITE after INSERT")
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
        cls = fx.Upsert if upsert else exp.Insert
        return self.expression(cls(this=this, overwrite=overwrite, expression=self._parse_query()), keyword)

    def _parse_partition_spec(self) -> exp.Expr:
        key = self._parse_id_var()
        self._expect(TokenType.EQ, "=")
        value = self._parse_bitwise()
        if not _literal(value):
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
        if not self._match(TokenType.STRING):
            self.raise_error("Expected a quoted option value: SET 'key' = 'value'")
        value = self.expression(exp.Literal(this=self._prev.text, is_string=self._prev.token_type == TokenType.STRING), self._prev)
        item = self.expression(exp.SetItem(this=exp.EQ(this=key, expression=value)))
        return self.expression(exp.Set(expressions=[item]))

    def _parse_reset(self) -> fx.Reset:
        key = self._parse_string() if self._curr else None
        return self.expression(fx.Reset(this=key))

    def _parse_flink_use(self) -> exp.Expr:
        if self._match_text_seq("CATALOG"):
            return self.expression(exp.Use(kind=exp.var("CATALOG"), this=self._parse_simple_name("catalog")))
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

    def _parse_simple_name(self, what: str) -> exp.Table:
        """A name of one part (a catalog's): ``c``, not ``c.d``."""
        name = self._parse_name()
        if name.args.get("db") or name.args.get("catalog"):
            self.raise_error(f"a {what} name has one part (no dots)", self._prev)
        return name

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
            guess = did_you_mean(self._curr.text if self._curr else "", SHOW_KINDS) if self._curr else None
            self.raise_error("Expected what to SHOW (TABLES, VIEWS, FUNCTIONS, ...)" + (f"; did you mean {guess}?" if guess else ""))
            return self.expression(fx.Show(this=exp.var("?")))
        kind, index = best
        self._retreat(index)
        allowed = SHOW_KINDS[kind]
        target = scope = partition = like = ilike = None
        if "of" in allowed:  # SHOW COLUMNS FROM | IN t
            if not self._match_set((TokenType.FROM, TokenType.IN)):
                self.raise_error("Expected FROM or IN and the table: SHOW COLUMNS FROM t")
            scope = self._parse_name()
        if "name" in allowed:
            target = self._parse_simple_name("catalog") if kind == "CREATE CATALOG" else self._parse_name()
        if "partition" in allowed and self._match(TokenType.PARTITION):
            self._expect(TokenType.L_PAREN, "(")
            partition = self.expression(exp.Partition(expressions=self._parse_csv(self._parse_partition_spec)))
            self._expect(TokenType.R_PAREN, ")")
        if "scope" in allowed and self._match_set((TokenType.FROM, TokenType.IN)):
            scope = self._parse_simple_name("catalog") if kind == "DATABASES" else self._parse_name()
        not_ = self._match(TokenType.NOT)
        if "like" in allowed and self._match(TokenType.LIKE):
            like = self._parse_string()
        elif "ilike" in allowed and self._match(TokenType.ILIKE):
            ilike = self._parse_string()
        elif not_:
            self.raise_error("Expected LIKE" + (" or ILIKE" if "ilike" in allowed else "") + " after NOT")
        if self._curr:
            takes = {"scope": "FROM or IN", "like": "LIKE", "ilike": "ILIKE"}
            more = [takes[k] for k in ("scope", "like", "ilike") if k in allowed]
            self.raise_error(f"SHOW {kind} takes " + (", ".join(more) if more else "nothing more")
                             + f" here, not {self._curr.text!r}")
        return self.expression(fx.Show(this=exp.var(kind), target=target, partition=partition, scope=scope,
                                       like=like, ilike=ilike, not_=bool(not_)))

    def _parse_describe(self) -> fx.Describe:
        short = self._prev.text.upper() == "DESC"
        extended = self._match_text_seq("EXTENDED")
        kind = None
        if not extended and self._curr and self._next and self._curr.text.upper() in DESCRIBE_KINDS and \
                self._next.token_type not in (TokenType.DOT, TokenType.SEMICOLON):
            kind = self._curr.text.upper()
            self._advance()
            extended = self._match_text_seq("EXTENDED")  # DESC CATALOG EXTENDED c
        if kind == "JOB":
            if extended:
                self.raise_error("DESCRIBE JOB takes no EXTENDED", self._prev)
            job = self._parse_string()
            if job is None:
                self.raise_error("Expected the job id as a string, e.g. DESCRIBE JOB '228d70913eab60dda85c5e7f78b5782c'")
            return self.expression(fx.Describe(this=job, kind=kind, short=short))
        name = self._parse_simple_name("catalog") if kind == "CATALOG" else self._parse_name()
        return self.expression(fx.Describe(this=name, kind=kind, extended=bool(extended), short=short))

    def _parse_explain(self) -> fx.Explain:
        plan_for = bool(self._match_text_seq("PLAN", "FOR"))
        details: list[exp.Expr] = []
        if not plan_for:
            while self._curr and self._curr.text.upper() in EXPLAIN_DETAILS:
                if any(d.name == self._curr.text.upper() for d in details):
                    self.raise_error(f"{self._curr.text.upper()} is named twice")
                details.append(self.expression(exp.var(self._curr.text.upper()), self._curr))
                self._advance()
                if not self._match(TokenType.COMMA):
                    break
        start = self._curr
        if self._match_text_seq("STATEMENT", "SET", "BEGIN"):
            this: exp.Expr | None = self._parse_set_body(sql_client=False)
        else:
            this = self._parse_statement()
        if this is None:
            self.raise_error("Expected a statement to EXPLAIN")
        elif not _explainable(this):
            self.raise_error("EXPLAIN takes a query, an INSERT, a statement set or CREATE | REPLACE TABLE ... AS"
                             " <query>", start)
        return self.expression(fx.Explain(this=this, details=details, plan_for=plan_for))

    def _parse_execute(self) -> exp.Expr:
        if self._match_text_seq("STATEMENT", "SET", "BEGIN"):
            return self._parse_set_body(sql_client=False)
        if self._match_text_seq("PLAN"):
            plan = self._parse_string()
            if plan is None:
                self.raise_error("Expected the plan file as a string, e.g. EXECUTE PLAN '/tmp/plan.json'")
            return self.expression(fx.ExecutePlan(this=plan))
        start = self._curr
        stmt = self._parse_statement()
        if stmt is None or not isinstance(stmt, (exp.Insert, exp.Query, exp.Values)):
            self.raise_error("Expected STATEMENT SET, PLAN, INSERT or a query after EXECUTE", start)
        return self.expression(fx.Execute(this=stmt))

    def _parse_compile_plan(self) -> fx.CompilePlan:
        """``COMPILE PLAN 'f' [IF NOT EXISTS] FOR ...`` / ``COMPILE AND EXECUTE PLAN 'f' FOR ...``."""
        execute = bool(self._match_text_seq("AND", "EXECUTE"))
        if not self._match_text_seq("PLAN"):
            self.raise_error("Expected PLAN after COMPILE" + (" AND EXECUTE" if execute else ""))
        plan = self._parse_string()
        if plan is None:
            self.raise_error("Expected the plan file as a string, e.g. COMPILE PLAN '/tmp/plan.json' FOR ...")
        exists = bool(self._parse_exists(not_=True))
        if exists and execute:
            self.raise_error("COMPILE AND EXECUTE PLAN takes no IF NOT EXISTS", self._prev)
        self._expect(TokenType.FOR, "FOR")
        start = self._curr
        if self._match_text_seq("STATEMENT", "SET", "BEGIN"):
            stmt: exp.Expr | None = self._parse_set_body(sql_client=False)
        else:
            stmt = self._parse_statement() if self._curr and self._curr.token_type == TokenType.INSERT else None
        if stmt is None:
            self.raise_error("Expected INSERT or STATEMENT SET BEGIN ... END after FOR", start)
        return self.expression(fx.CompilePlan(this=plan, exists=exists, expression=stmt, execute=execute))

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
            if not self._match(TokenType.SEMICOLON):
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
        drain = savepoint and bool(self._match_text_seq("WITH", "DRAIN"))
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
