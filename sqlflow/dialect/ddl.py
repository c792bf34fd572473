"""Flink's CREATE statements: the parser mixin for tables, views, functions, models, catalogs,
databases and materialized tables, with their columns, constraints, distribution and options.

ALTER and DROP live in :mod:`sqlflow.dialect.alter`, data types in
:mod:`sqlflow.dialect.types`. The shapes built here are listed in the package
docstring.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlflow.dialect import expressions as fx
from sqlflow.dialect.types import TYPE_NAMES
from sqlflow.errors import did_you_mean

#: Keywords of Flink DDL, offered in "did you mean" hints.
DDL_KEYWORDS: tuple[str, ...] = (
    "WATERMARK", "PRIMARY", "METADATA", "VIRTUAL", "PARTITIONED", "ENFORCED", "COMMENT",
    "CONSTRAINT", "TEMPORARY", "FUNCTION", "LANGUAGE", "CATALOG", "DATABASE", "MODEL",
    "INPUT", "OUTPUT", "TABLE", "VIEW", "LIKE", "INCLUDING", "EXCLUDING", "OVERWRITING",
    "MATERIALIZED", "DISTRIBUTED", "DISTRIBUTION", "BUCKETS", "FRESHNESS", "REFRESH_MODE",
)

LIKE_OPTIONS = ("INCLUDING", "EXCLUDING", "OVERWRITING")
LIKE_TARGETS = ("ALL", "CONSTRAINTS", "DISTRIBUTION", "GENERATED", "METADATA", "OPTIONS", "PARTITIONS", "WATERMARKS")
CREATE_KINDS = ("TABLE", "VIEW", "FUNCTION", "MODEL", "CATALOG", "DATABASE", "MATERIALIZED TABLE")
LANGUAGES = ("JAVA", "SCALA", "PYTHON", "SQL")
REFRESH_MODES = ("CONTINUOUS", "FULL")


class DdlMixin:
    """CREATE statements for :class:`FlinkParser`."""

    if t.TYPE_CHECKING:  # the parser methods this mixin calls come from sqlglot's Parser
        def __getattr__(self, name: str) -> t.Any: ...

    # ---- CREATE -----------------------------------------------------------

    def _parse_object_kind(self, verb: str, kinds: tuple[str, ...] = CREATE_KINDS) -> str | None:
        """The kind of object after CREATE / DROP / ALTER (``MATERIALIZED TABLE`` is two words)."""
        word = self._curr.text.upper() if self._curr else ""
        if word == "MATERIALIZED" and self._next and self._next.text.upper() == "TABLE" \
                and "MATERIALIZED TABLE" in kinds:
            self._advance(2)
            return "MATERIALIZED TABLE"
        if word in kinds and word != "MATERIALIZED TABLE":
            self._advance()
            return word
        guess = did_you_mean(word, [k.split()[0] for k in kinds]) if word else None
        listed = [k for k in kinds if k != "MATERIALIZED TABLE"]  # the common ones; MATERIALIZED is hinted
        listed_text = ", ".join(listed[:-1]) + f" or {listed[-1]}" if len(listed) > 1 else listed[0]
        self.raise_error(f"Expected {listed_text} after {verb}" + (f"; did you mean {guess}?" if guess else ""))
        return None

    def _parse_flink_create(self, replace_only: bool = False) -> exp.Expr:
        start = self._prev
        replace: t.Any = exp.var("REPLACE") if replace_only else bool(self._match_pair(TokenType.OR, TokenType.REPLACE))
        if not replace and self._curr and self._curr.token_type == TokenType.OR and self._next \
                and self._next.text.upper() == "ALTER":
            self.raise_error("Flink 2.2 has no CREATE OR ALTER; hint: CREATE the object, then ALTER it"
                             " (ALTER MATERIALIZED TABLE ... AS <query> changes a materialized table's query)",
                             self._next)
        props: list[exp.Expr] = []
        if self._match(TokenType.TEMPORARY):
            system = self._match_text_seq("SYSTEM")
            props.append(exp.TemporaryProperty(this=exp.var("SYSTEM") if system else None))
            if system and not (self._curr and self._curr.text.upper() == "FUNCTION"):
                self.raise_error("only functions can be TEMPORARY SYSTEM", self._prev)
        elif self._curr and self._curr.text.upper() == "SYSTEM":
            self.raise_error("a SYSTEM function is always TEMPORARY; hint: CREATE TEMPORARY SYSTEM FUNCTION")
        kinds = ("TABLE",) if replace_only else CREATE_KINDS
        kind = self._parse_object_kind("REPLACE" if replace_only else "CREATE", kinds)
        if kind is None:
            return exp.Create(kind="TABLE")
        if kind == "MATERIALIZED TABLE":
            if replace and not replace_only:
                self.raise_error("Flink 2.2 has no CREATE OR REPLACE MATERIALIZED TABLE; hint: ALTER MATERIALIZED"
                                 " TABLE ... AS <query> changes its query", start)
            if props:
                self.raise_error("a materialized table cannot be TEMPORARY", start)
        exists = bool(self._parse_exists(not_=True))
        if exists and kind == "MATERIALIZED TABLE":
            self.raise_error("CREATE MATERIALIZED TABLE takes no IF NOT EXISTS", self._prev)
        name = self._parse_name()
        method = getattr(self, f"_parse_create_{kind.lower().replace(' ', '_')}")
        return method(name, exists, replace, props)

    def _create(self, kind: str, this: exp.Expr, exists: bool, replace: bool, props: list[exp.Expr],
                expression: exp.Expr | None = None) -> exp.Create:
        properties = exp.Properties(expressions=props) if props else None
        return self.expression(exp.Create(kind=kind, this=this, exists=exists, replace=replace,
                                          properties=properties, expression=expression))

    def _parse_create_table(self, name: exp.Table, exists: bool, replace: bool, props: list[exp.Expr]) -> exp.Create:
        this: exp.Expr = name
        if self._match(TokenType.L_PAREN, advance=False):
            self._advance()
            items = self._parse_csv(self._parse_table_element)
            self._expect(TokenType.R_PAREN, ")")
            this = self.expression(exp.Schema(this=name, expressions=items))
        self._parse_table_clauses(props)
        if self._match(TokenType.LIKE):
            source = self._parse_name()
            options: list[exp.Expr] = []
            if self._match(TokenType.L_PAREN):
                while self._curr and self._curr.text.upper() in LIKE_OPTIONS:
                    how = exp.var(self._curr.text.upper())
                    self._advance()
                    what = self._curr.text.upper() if self._curr else ""
                    if what not in LIKE_TARGETS:
                        self.raise_error("Expected ALL, CONSTRAINTS, DISTRIBUTION, GENERATED, METADATA, OPTIONS,"
                                         " PARTITIONS or WATERMARKS")
                    self._advance()
                    options.append(exp.Property(this=how, value=exp.var(what)))
                self._expect(TokenType.R_PAREN, ")")
            props.append(exp.LikeProperty(this=source, expressions=options or None))
            if self._curr and self._curr.token_type == TokenType.ALIAS:
                self.raise_error("CREATE TABLE ... LIKE takes no AS <query>")
        query = None
        if self._match(TokenType.ALIAS):
            query = self._parse_query()
        return self._create("TABLE", this, exists, replace, props, query)

    def _parse_table_clauses(self, props: list[exp.Expr]) -> None:
        """``[COMMENT '...'] [DISTRIBUTED ...] [PARTITIONED BY (...)] [WITH (...)]``, in Flink's order."""
        if self._match(TokenType.COMMENT):
            props.append(exp.SchemaCommentProperty(this=self._parse_string()))
        if self._match_text_seq("DISTRIBUTED"):
            props.append(self._parse_distribution())
        if self._match(TokenType.PARTITION_BY) or self._match_text_seq("PARTITIONED", "BY"):
            self._expect(TokenType.L_PAREN, "(")
            cols = self._parse_csv(self._parse_id_var)
            self._expect(TokenType.R_PAREN, ")")
            props.append(exp.PartitionedByProperty(this=exp.Schema(expressions=cols)))
        if self._curr and self._curr.text.upper() == "DISTRIBUTED":
            self.raise_error("DISTRIBUTED BY comes before PARTITIONED BY")
        if self._match(TokenType.WITH):
            props.extend(self._parse_with_options())

    def _parse_distribution(self) -> fx.Distribution:
        """After DISTRIBUTED / DISTRIBUTION: ``BY [HASH | RANGE] (cols) [INTO n BUCKETS]`` or ``INTO n BUCKETS``."""
        start = self._prev
        kind = None
        cols = None
        if self._match_text_seq("BY"):
            if self._curr and self._curr.text.upper() in ("HASH", "RANGE") and self._next \
                    and self._next.token_type == TokenType.L_PAREN:
                kind = self._curr.text.upper()
                self._advance()
            self._expect(TokenType.L_PAREN, "( and the distribution columns")
            cols = self._parse_csv(self._parse_id_var)
            self._expect(TokenType.R_PAREN, ")")
        buckets = None
        if self._match(TokenType.INTO):
            if not self._match(TokenType.NUMBER):
                self.raise_error("Expected the number of buckets, e.g. INTO 4 BUCKETS")
            buckets = self.expression(exp.Literal.number(self._prev.text), self._prev)
            if not self._match_text_seq("BUCKETS"):
                self.raise_error("Expected BUCKETS after the number of buckets")
        if cols is None and buckets is None:
            self.raise_error("Expected BY (columns) or INTO n BUCKETS")
        return self.expression(fx.Distribution(kind=kind, expressions=cols, buckets=buckets), start)

    def _parse_create_materialized_table(self, name: exp.Table, exists: bool, replace: bool,
                                         props: list[exp.Expr]) -> exp.Create:
        this: exp.Expr = name
        if self._match(TokenType.L_PAREN):
            start = self._curr
            item = self._parse_table_element()
            if not isinstance(item, (exp.PrimaryKey, exp.Constraint)):
                self.raise_error("a materialized table's columns come from its query: only a PRIMARY KEY"
                                 " (...) NOT ENFORCED goes in parentheses", start)
            self._expect(TokenType.R_PAREN, ") (a materialized table takes one primary key here)")
            this = self.expression(exp.Schema(this=name, expressions=[item]))
        self._parse_table_clauses(props)
        if self._match_text_seq("FRESHNESS"):
            props.append(self._parse_freshness())
        if self._match_text_seq("REFRESH_MODE"):
            props.append(self._parse_refresh_mode())
        if self._curr and self._curr.text.upper() == "FRESHNESS":
            self.raise_error("FRESHNESS comes before REFRESH_MODE")
        self._expect(TokenType.ALIAS, "AS <query> (a materialized table is defined by its query)")
        return self._create("MATERIALIZED TABLE", this, exists, replace, props, self._parse_query())

    def _parse_freshness(self) -> fx.Freshness:
        start = self._prev
        self._expect(TokenType.EQ, "= after FRESHNESS")
        interval = self._parse_interval()
        if interval is None:
            self.raise_error("FRESHNESS takes an interval, e.g. FRESHNESS = INTERVAL '1' HOUR")
        return self.expression(fx.Freshness(this=interval), start)

    def _parse_refresh_mode(self) -> fx.RefreshMode:
        start = self._prev
        self._expect(TokenType.EQ, "= after REFRESH_MODE")
        mode = self._curr.text.upper() if self._curr and self._curr.token_type != TokenType.STRING else ""
        if mode not in REFRESH_MODES:
            self.raise_error("Expected CONTINUOUS or FULL (unquoted) after REFRESH_MODE =")
        self._advance()
        return self.expression(fx.RefreshMode(this=exp.var(mode or "CONTINUOUS")), start)

    def _parse_query(self) -> exp.Expr:
        start = self._curr
        query = self._parse_select(nested=True) if start else None
        query = self._parse_set_operations(query) if query else None
        if query is None:
            self.raise_error("Expected a query (SELECT, WITH or VALUES)", start)
            return exp.Select()
        return query

    def _parse_table_element(self, nested: bool = False) -> exp.Expr | None:
        """A column, watermark or primary key of CREATE TABLE (``nested``: ALTER TABLE's ``row.field`` names)."""
        start = self._curr
        if self._match_text_seq("WATERMARK"):
            self._expect(TokenType.FOR, "FOR")
            column = self._parse_column()
            self._expect(TokenType.ALIAS, "AS")
            return self.expression(exp.WatermarkColumnConstraint(this=column, expression=self._expect_expr()), start)
        name = None
        if self._match(TokenType.CONSTRAINT):
            name = self._parse_id_var()
        if self._match(TokenType.PRIMARY_KEY):
            self._expect(TokenType.L_PAREN, "(")
            cols = self._parse_csv(self._parse_id_var)
            self._expect(TokenType.R_PAREN, ")")
            pk = self.expression(exp.PrimaryKey(expressions=cols, options=self._parse_enforced()), start)
            return self.expression(exp.Constraint(this=name, expressions=[pk])) if name else pk
        if name is not None:
            self.raise_error("Expected PRIMARY KEY after CONSTRAINT name")
        return self._parse_flink_column_def(nested)

    def _parse_enforced(self) -> list[exp.Expr]:
        """``NOT ENFORCED``, the only primary-key mode Flink accepts (it does not own the data)."""
        if self._match_text_seq("NOT", "ENFORCED"):
            return [exp.var("NOT ENFORCED")]
        self._match_text_seq("ENFORCED")
        where = self._prev
        self.raise_error("Flink supports only NOT ENFORCED primary keys; hint: write PRIMARY KEY (...) NOT ENFORCED",
                         where)
        return [exp.var("NOT ENFORCED")]

    def _parse_column_name(self) -> exp.Expr:
        """A column name, or a nested field ``row_col.field`` (an exp.Column of the dotted parts)."""
        first = self._parse_id_var(any_token=True)
        if not (self._curr and self._curr.token_type == TokenType.DOT):
            return first
        parts = [first]
        while self._match(TokenType.DOT):
            parts.append(self._parse_id_var(any_token=True))
        return self.expression(exp.Dot.build(parts) if len(parts) > 4 else exp.Column(
            **dict(zip(("this", "table", "db", "catalog"), reversed(parts)))))

    def _expect_expr(self) -> exp.Expr:
        e = self._parse_disjunction()
        if e is None:
            self.raise_error("Expected an expression")
            return exp.Null()
        return e

    def _parse_flink_column_def(self, nested: bool = False) -> exp.Expr | None:
        if not self._curr or self._curr.token_type in (TokenType.STRING, TokenType.NUMBER, TokenType.R_PAREN, TokenType.COMMA):
            self.raise_error("Expected a column definition")
            return None
        name = self._parse_column_name() if nested else self._parse_id_var(any_token=True)
        constraints: list[exp.Expr] = []
        kind = None
        if self._match(TokenType.ALIAS):
            constraints.append(exp.ColumnConstraint(kind=exp.ComputedColumnConstraint(this=self._expect_expr())))
        else:
            kind = self._parse_flink_type(nullable_suffix=False)
            if kind is None:
                word = self._curr.text if self._curr else ""
                guess = did_you_mean(word, TYPE_NAMES) if word else None
                self.raise_error("Expected a data type" + (f"; did you mean {guess}?" if guess else ""))
            nullable = None  # `TYPE NOT NULL METADATA ...`: the type's own nullability comes first
            if self._curr and self._curr.token_type in (TokenType.NOT, TokenType.NULL) and self._metadata_after_null():
                nullable = exp.NotNullColumnConstraint() if self._match_pair(TokenType.NOT, TokenType.NULL) \
                    else exp.NotNullColumnConstraint(allow_null=bool(self._match(TokenType.NULL)))
                constraints.append(exp.ColumnConstraint(kind=nullable))
            if self._curr and self._curr.text.upper() == "METADATA":
                self._advance()
                key = None
                if self._match(TokenType.FROM):
                    key = self._parse_string()
                    if key is None:
                        self.raise_error("Expected the metadata key as a quoted string, e.g. FROM 'timestamp'")
                virtual = bool(self._match_text_seq("VIRTUAL"))
                constraints.append(exp.ColumnConstraint(kind=fx.MetadataColumnConstraint(this=key, virtual=virtual)))
                nullable = nullable or exp.NotNullColumnConstraint(allow_null=True)  # nothing but COMMENT follows
            while nullable is None:
                cstart = self._curr
                cname = self._parse_id_var() if self._match(TokenType.CONSTRAINT) else None
                if cname is None and self._match_pair(TokenType.NOT, TokenType.NULL):
                    c: exp.Expr = exp.NotNullColumnConstraint()
                elif cname is None and self._match(TokenType.NULL):
                    c = exp.NotNullColumnConstraint(allow_null=True)
                elif self._match(TokenType.PRIMARY_KEY):
                    c = exp.PrimaryKeyColumnConstraint(options=self._parse_enforced())
                else:
                    if cname is not None:
                        self.raise_error("Expected PRIMARY KEY after CONSTRAINT name", cstart)
                    break
                constraints.append(exp.ColumnConstraint(this=cname, kind=c))
        if self._match(TokenType.COMMENT):
            constraints.append(exp.ColumnConstraint(kind=exp.CommentColumnConstraint(this=self._parse_string())))
        position = None
        if self._match_text_seq("FIRST"):
            position = exp.ColumnPosition(position="FIRST")
        elif self._match_text_seq("AFTER"):
            position = exp.ColumnPosition(this=self._parse_column(), position="AFTER")
        return self.expression(exp.ColumnDef(this=name, kind=kind, constraints=constraints, position=position))

    def _metadata_after_null(self) -> bool:
        """At ``NOT NULL`` / ``NULL`` after a column type: does METADATA follow it?"""
        ahead = 2 if self._curr.token_type == TokenType.NOT else 1
        tok = self._tokens[self._index + ahead] if self._index + ahead < len(self._tokens) else None
        return tok is not None and tok.text.upper() == "METADATA"

    def _parse_with_options(self) -> list[exp.Expr]:
        """``('k' = 'v', ...)`` after WITH: one exp.Property per option."""
        self._expect(TokenType.L_PAREN, "( after WITH")
        if self._match(TokenType.R_PAREN):
            return []
        options = self._parse_csv(self._parse_option)
        self._expect(TokenType.R_PAREN, ")")
        return options

    def _parse_option(self) -> exp.Expr | None:
        start = self._curr
        if not self._match(TokenType.STRING):
            quoted = f"'{start.text}'" if start and start.token_type == TokenType.VAR else "'connector'"
            self.raise_error(f"Expected a quoted option key, e.g. {quoted}")
            return None
        key: exp.Expr = self.expression(exp.Literal.string(self._prev.text), self._prev)
        if not self._match(TokenType.EQ):
            self.raise_error("Expected = between option key and value")
        if not self._match_set((TokenType.STRING, TokenType.NUMBER, TokenType.TRUE, TokenType.FALSE)):
            self.raise_error("Expected a quoted option value")
            return None
        tok = self._prev
        if tok.token_type == TokenType.STRING:
            value: exp.Expr = exp.Literal.string(tok.text)
        elif tok.token_type == TokenType.NUMBER:
            value = exp.Literal.number(tok.text)
        else:
            value = exp.Boolean(this=tok.token_type == TokenType.TRUE)
        value = self.expression(value, tok)
        return self.expression(exp.Property(this=key, value=value), start)

    def _parse_create_view(self, name: exp.Table, exists: bool, replace: bool, props: list[exp.Expr]) -> exp.Create:
        this: exp.Expr = name
        if self._match(TokenType.L_PAREN):
            cols = self._parse_csv(self._parse_id_var)
            self._expect(TokenType.R_PAREN, ")")
            this = exp.Schema(this=name, expressions=cols)
        if self._match(TokenType.COMMENT):
            props.append(exp.SchemaCommentProperty(this=self._parse_string()))
        self._expect(TokenType.ALIAS, "AS")
        return self._create("VIEW", this, exists, replace, props, self._parse_query())

    def _parse_language(self) -> exp.LanguageProperty | None:
        if not self._match_text_seq("LANGUAGE"):
            return None
        lang = self._curr.text.upper() if self._curr else ""
        if lang not in LANGUAGES:
            self.raise_error("Expected JAVA, SCALA or PYTHON after LANGUAGE")
        self._advance()
        return exp.LanguageProperty(this=exp.var(lang))

    def _parse_create_function(self, name: exp.Table, exists: bool, replace: bool, props: list[exp.Expr]) -> exp.Create:
        self._expect(TokenType.ALIAS, "AS")
        if not self._match(TokenType.STRING):
            self.raise_error("Expected the function's class or module path as a string, e.g. AS 'udfs.score'")
        impl = self.expression(exp.Literal.string(self._prev.text), self._prev)
        lang = self._parse_language()
        if lang is not None:
            props.append(lang)
        if self._match(TokenType.USING):
            if lang is not None and lang.name == "SQL":
                self.raise_error("USING JAR does not apply to LANGUAGE SQL functions", self._prev)
            jars = []
            while self._match_text_seq("JAR"):
                jars.append(self._parse_string())
                if not self._match(TokenType.COMMA):
                    break
            if not jars:
                self.raise_error("Expected JAR 'path' after USING")
            props.append(fx.FunctionUsing(expressions=jars))
        return self._create("FUNCTION", name, exists, replace, props, impl)

    def _parse_create_model(self, name: exp.Table, exists: bool, replace: bool, props: list[exp.Expr]) -> exp.Create:
        for word, cls in (("INPUT", exp.InputModelProperty), ("OUTPUT", exp.OutputModelProperty)):
            if self._match_text_seq(word):
                self._expect(TokenType.L_PAREN, "(")
                cols = self._parse_csv(self._parse_flink_column_def)
                self._expect(TokenType.R_PAREN, ")")
                props.append(cls(this=exp.Schema(expressions=cols)))
        if self._match(TokenType.COMMENT):
            props.append(exp.SchemaCommentProperty(this=self._parse_string()))
        if self._match(TokenType.WITH):
            props.extend(self._parse_with_options())
        query = self._parse_query() if self._match(TokenType.ALIAS) else None
        return self._create("MODEL", name, exists, replace, props, query)

    def _parse_create_catalog(self, name: exp.Table, exists: bool, replace: bool, props: list[exp.Expr]) -> exp.Create:
        if name.args.get("db") or name.args.get("catalog"):
            self.raise_error("a catalog name has one part (no dots)", self._prev)
        if self._match(TokenType.COMMENT):
            props.append(exp.SchemaCommentProperty(this=self._parse_string()))
        if self._match(TokenType.WITH):
            props.extend(self._parse_with_options())
        return self._create("CATALOG", name, exists, replace, props)

    def _parse_create_database(self, name: exp.Table, exists: bool, replace: bool, props: list[exp.Expr]) -> exp.Create:
        if self._match(TokenType.COMMENT):
            props.append(exp.SchemaCommentProperty(this=self._parse_string()))
        if self._match(TokenType.WITH):
            props.extend(self._parse_with_options())
        return self._create("DATABASE", name, exists, replace, props)
