"""Flink DDL and data types: the parser mixin for CREATE / DROP / ALTER and type names.

Kept apart from :mod:`sqlflow.dialect.parser` (statements, table functions)
so each stays small. The shapes built here are listed in the package docstring.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlflow.dialect import expressions as fx

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

TYPE_NAMES: tuple[str, ...] = (*SIMPLE_TYPES, "ARRAY", "MAP", "MULTISET", "ROW", "RAW", "INTERVAL")

#: Keywords of Flink DDL, offered in "did you mean" hints.
DDL_KEYWORDS: tuple[str, ...] = (
    "WATERMARK", "PRIMARY", "METADATA", "VIRTUAL", "PARTITIONED", "ENFORCED", "COMMENT",
    "CONSTRAINT", "TEMPORARY", "FUNCTION", "LANGUAGE", "CATALOG", "DATABASE", "MODEL",
    "INPUT", "OUTPUT", "TABLE", "VIEW", "LIKE", "INCLUDING", "EXCLUDING", "OVERWRITING",
)

LIKE_OPTIONS = ("INCLUDING", "EXCLUDING", "OVERWRITING")
LIKE_TARGETS = ("ALL", "CONSTRAINTS", "DISTRIBUTION", "GENERATED", "METADATA", "OPTIONS", "PARTITIONS", "WATERMARKS")
CREATE_KINDS = ("TABLE", "VIEW", "FUNCTION", "MODEL", "CATALOG", "DATABASE")


class DdlMixin:
    """CREATE / DROP / ALTER and Flink type parsing for :class:`FlinkParser`."""

    if t.TYPE_CHECKING:  # the parser methods this mixin calls come from sqlglot's Parser
        def __getattr__(self, name: str) -> t.Any: ...

    # ---- types ------------------------------------------------------------

    def _parse_types(self, check_func: bool = False, schema: bool = False, allow_identifiers: bool = True,
                     with_collation: bool = False) -> exp.Expr | None:
        return self._parse_flink_type(nullable_suffix=not schema)

    def _parse_flink_type(self, nullable_suffix: bool = True) -> exp.DataType | None:
        """One Flink type; with ``nullable_suffix`` a trailing [NOT] NULL sets ``nullable``."""
        curr = self._curr
        if not curr or curr.token_type in (TokenType.STRING, TokenType.IDENTIFIER, TokenType.NUMBER):
            return None
        name = curr.text.upper()
        if name not in TYPE_NAMES:
            return None
        if name in ("ARRAY", "MAP", "MULTISET", "ROW", "RAW") and not (
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

    # ---- CREATE -----------------------------------------------------------

    def _parse_flink_create(self, replace_only: bool = False) -> exp.Expr:
        replace = replace_only or bool(self._match_pair(TokenType.OR, TokenType.REPLACE))
        props: list[exp.Expr] = []
        if self._match(TokenType.TEMPORARY):
            props.append(exp.TemporaryProperty(this=exp.var("SYSTEM") if self._match_text_seq("SYSTEM") else None))
        kind = self._curr.text.upper() if self._curr else ""
        if kind not in CREATE_KINDS:
            from sqlflow.errors import did_you_mean

            guess = did_you_mean(kind, CREATE_KINDS) if kind else None
            self.raise_error("Expected TABLE, VIEW, FUNCTION, MODEL, CATALOG or DATABASE after CREATE"
                             + (f"; did you mean {guess}?" if guess else ""))
            return exp.Create(kind="TABLE")
        self._advance()
        exists = bool(self._parse_exists(not_=True))
        name = self._parse_name()
        method = getattr(self, f"_parse_create_{kind.lower()}")
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
        if self._match(TokenType.COMMENT):
            props.append(exp.SchemaCommentProperty(this=self._parse_string()))
        if self._match_text_seq("DISTRIBUTED"):
            self.raise_error("DISTRIBUTED BY is not supported yet", self._prev)
        if self._match(TokenType.PARTITION_BY) or self._match_text_seq("PARTITIONED", "BY"):
            self._expect(TokenType.L_PAREN, "(")
            cols = self._parse_csv(self._parse_id_var)
            self._expect(TokenType.R_PAREN, ")")
            props.append(exp.PartitionedByProperty(this=exp.Schema(expressions=cols)))
        if self._match(TokenType.WITH):
            props.extend(self._parse_with_options())
        if self._match(TokenType.LIKE):
            source = self._parse_name()
            options: list[exp.Expr] = []
            if self._match(TokenType.L_PAREN):
                while self._curr and self._curr.text.upper() in LIKE_OPTIONS:
                    how = exp.var(self._curr.text.upper())
                    self._advance()
                    what = self._curr.text.upper() if self._curr else ""
                    if what not in LIKE_TARGETS:
                        self.raise_error("Expected ALL, CONSTRAINTS, GENERATED, METADATA, OPTIONS, PARTITIONS or WATERMARKS")
                    self._advance()
                    options.append(exp.Property(this=how, value=exp.var(what)))
                self._expect(TokenType.R_PAREN, ")")
            props.append(exp.LikeProperty(this=source, expressions=options or None))
        query = None
        if self._match(TokenType.ALIAS):
            query = self._parse_query()
        return self._create("TABLE", this, exists, replace, props, query)

    def _parse_query(self) -> exp.Expr:
        start = self._curr
        query = self._parse_select(nested=True) if start else None
        query = self._parse_set_operations(query) if query else None
        if query is None:
            self.raise_error("Expected a query (SELECT, WITH or VALUES)", start)
            return exp.Select()
        return query

    def _parse_table_element(self) -> exp.Expr | None:
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
        return self._parse_flink_column_def()

    def _parse_enforced(self) -> list[exp.Expr]:
        """``NOT ENFORCED``, the only primary-key mode Flink accepts (it does not own the data)."""
        if self._match_text_seq("NOT", "ENFORCED"):
            return [exp.var("NOT ENFORCED")]
        self._match_text_seq("ENFORCED")
        where = self._prev
        self.raise_error("Flink supports only NOT ENFORCED primary keys; hint: write PRIMARY KEY (...) NOT ENFORCED",
                         where)
        return [exp.var("NOT ENFORCED")]

    def _expect_expr(self) -> exp.Expr:
        e = self._parse_disjunction()
        if e is None:
            self.raise_error("Expected an expression")
            return exp.Null()
        return e

    def _parse_flink_column_def(self) -> exp.Expr | None:
        if not self._curr or self._curr.token_type in (TokenType.STRING, TokenType.NUMBER, TokenType.R_PAREN, TokenType.COMMA):
            self.raise_error("Expected a column definition")
            return None
        name = self._parse_id_var(any_token=True)
        constraints: list[exp.Expr] = []
        kind = None
        if self._match(TokenType.ALIAS):
            constraints.append(exp.ColumnConstraint(kind=exp.ComputedColumnConstraint(this=self._expect_expr())))
        else:
            kind = self._parse_flink_type(nullable_suffix=False)
            if kind is None:
                from sqlflow.errors import did_you_mean

                word = self._curr.text if self._curr else ""
                guess = did_you_mean(word, TYPE_NAMES) if word else None
                self.raise_error("Expected a data type" + (f"; did you mean {guess}?" if guess else ""))
            if self._curr and self._curr.text.upper() == "METADATA":
                self._advance()
                key = None
                if self._match(TokenType.FROM):
                    key = self._parse_string()
                    if key is None:
                        self.raise_error("Expected the metadata key as a quoted string, e.g. FROM 'timestamp'")
                virtual = bool(self._match_text_seq("VIRTUAL"))
                constraints.append(exp.ColumnConstraint(kind=fx.MetadataColumnConstraint(this=key, virtual=virtual)))
            while True:
                cstart = self._curr
                cname = self._parse_id_var() if self._match(TokenType.CONSTRAINT) else None
                if self._match_pair(TokenType.NOT, TokenType.NULL):
                    c: exp.Expr = exp.NotNullColumnConstraint()
                elif self._match(TokenType.NULL):
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

    def _parse_create_function(self, name: exp.Table, exists: bool, replace: bool, props: list[exp.Expr]) -> exp.Create:
        self._expect(TokenType.ALIAS, "AS")
        if not self._match(TokenType.STRING):
            self.raise_error("Expected the function's class or module path as a string, e.g. AS 'udfs.score'")
        impl = self.expression(exp.Literal.string(self._prev.text), self._prev)
        if self._match_text_seq("LANGUAGE"):
            lang = self._curr.text.upper() if self._curr else ""
            if lang not in ("JAVA", "SCALA", "PYTHON"):
                self.raise_error("Expected JAVA, SCALA or PYTHON after LANGUAGE")
            self._advance()
            props.append(exp.LanguageProperty(this=exp.var(lang)))
        if self._match(TokenType.USING):
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
        if self._match(TokenType.COMMENT):
            props.append(exp.SchemaCommentProperty(this=self._parse_string()))
        self._expect(TokenType.WITH, "WITH")
        props.extend(self._parse_with_options())
        return self._create("CATALOG", name, exists, replace, props)

    def _parse_create_database(self, name: exp.Table, exists: bool, replace: bool, props: list[exp.Expr]) -> exp.Create:
        if self._match(TokenType.COMMENT):
            props.append(exp.SchemaCommentProperty(this=self._parse_string()))
        if self._match(TokenType.WITH):
            props.extend(self._parse_with_options())
        return self._create("DATABASE", name, exists, replace, props)

    # ---- DROP / ALTER -----------------------------------------------------

    def _parse_flink_drop(self) -> exp.Drop:
        temporary: t.Any = False
        if self._match(TokenType.TEMPORARY):
            temporary = exp.var("SYSTEM") if self._match_text_seq("SYSTEM") else True
        kind = self._curr.text.upper() if self._curr else ""
        if kind not in CREATE_KINDS:
            self.raise_error("Expected TABLE, VIEW, FUNCTION, MODEL, CATALOG or DATABASE after DROP")
            return exp.Drop()
        self._advance()
        exists = bool(self._parse_exists())
        name = self._parse_name()
        cascade = restrict = False
        if kind == "DATABASE":
            cascade = bool(self._match_text_seq("CASCADE"))
            restrict = not cascade and bool(self._match_text_seq("RESTRICT"))
        return self.expression(exp.Drop(kind=kind, tables=[name], exists=exists, temporary=temporary,
                                        cascade=cascade, restrict=restrict))

    def _parse_flink_alter(self) -> exp.Alter:
        temporary = bool(self._match(TokenType.TEMPORARY))
        kind = self._curr.text.upper() if self._curr else ""
        if kind not in CREATE_KINDS:
            self.raise_error("Expected TABLE, VIEW, FUNCTION, MODEL, CATALOG or DATABASE after ALTER")
            return exp.Alter(kind="TABLE")
        self._advance()
        exists = bool(self._parse_exists())
        name = self._parse_name()
        action: exp.Expr | None
        if self._match(TokenType.SET):
            action = fx.AlterOptions(expressions=self._parse_with_options())
        elif self._match_text_seq("RESET"):
            self._expect(TokenType.L_PAREN, "(")
            keys = self._parse_csv(self._parse_string)
            self._expect(TokenType.R_PAREN, ")")
            action = fx.AlterOptions(expressions=keys, reset=True)
        elif self._match_text_seq("RENAME", "TO"):
            action = exp.AlterRename(this=self._parse_name())
        elif self._match_text_seq("RENAME"):
            old = self._parse_column()
            if not self._match_text_seq("TO"):
                self.raise_error("Expected TO")
            action = exp.RenameColumn(this=old, to=self._parse_id_var())
        elif self._match_texts(("ADD", "MODIFY")):
            verb = self._prev.text.upper()
            if self._match(TokenType.L_PAREN):
                items = self._parse_csv(self._parse_table_element)
                self._expect(TokenType.R_PAREN, ")")
                action = fx.AlterSchema(this=verb, expressions=items, wrapped=True)
            else:
                action = fx.AlterSchema(this=verb, expressions=[self._parse_table_element()])
        elif self._match(TokenType.DROP):
            if self._match(TokenType.PRIMARY_KEY):
                action = fx.AlterDrop(kind="PRIMARY KEY")
            elif self._match_text_seq("WATERMARK"):
                action = fx.AlterDrop(kind="WATERMARK")
            elif self._match(TokenType.CONSTRAINT):
                action = fx.AlterDrop(kind="CONSTRAINT", expressions=[self._parse_id_var()])
            elif self._match(TokenType.L_PAREN):
                cols = self._parse_csv(self._parse_id_var)
                self._expect(TokenType.R_PAREN, ")")
                action = fx.AlterDrop(expressions=cols, wrapped=True)
            else:
                action = fx.AlterDrop(expressions=[self._parse_id_var()])
        elif kind == "VIEW" and self._match(TokenType.ALIAS):
            action = fx.AlterAs(this=self._parse_query())
        elif kind == "FUNCTION" and self._match(TokenType.ALIAS):
            action = self._parse_string()
            if self._match_text_seq("LANGUAGE"):
                lang = self._curr.text.upper() if self._curr else ""
                if lang not in ("JAVA", "SCALA", "PYTHON"):
                    self.raise_error("Expected JAVA, SCALA or PYTHON after LANGUAGE")
                self._advance()
                action = exp.Tuple(expressions=[action, exp.LanguageProperty(this=exp.var(lang))])
        else:
            self.raise_error("Expected SET, RESET, RENAME, ADD, MODIFY or DROP")
            action = None
        return self.expression(exp.Alter(this=name, kind=kind, exists=exists, actions=[action] if action else [],
                                         options=[exp.var("TEMPORARY")] if temporary else None))
