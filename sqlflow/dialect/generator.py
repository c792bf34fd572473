"""The Flink SQL generator: writes Flink trees back as Flink SQL.

Each Flink construct is written the way Flink reads it; with ``pretty=True``
the output is the house style that :func:`sqlflow.dialect.format_sql` uses
(one clause per line, WITH options and table columns one per line).
"""

from __future__ import annotations

from sqlglot import exp, generator
from sqlglot.errors import UnsupportedError

from sqlflow.dialect import expressions as fx
from sqlflow.dialect.gen_ddl import DdlGeneratorMixin

_TYPE_NAMES = {
    exp.DType.TEXT: "STRING",
    exp.DType.TIMESTAMPLTZ: "TIMESTAMP_LTZ",
    exp.DType.STRUCT: "ROW",
}


class FlinkGenerator(DdlGeneratorMixin, generator.Generator):
    """Generates Flink SQL; keeps every Flink construct as written (no rewriting)."""

    INTERVAL_ALLOWS_PLURAL_FORM = True
    TABLESAMPLE_SIZE_IS_PERCENT = True
    LIMIT_FETCH = "ALL"
    NVL2_SUPPORTED = False
    LAST_DAY_SUPPORTS_DATE_PART = False
    SUPPORTS_SELECT_INTO = False
    SUPPORTS_BETWEEN_FLAGS = True  # BETWEEN SYMMETRIC stays as written
    UNPIVOT_ALIASES_ARE_IDENTIFIERS = False  # UNPIVOT (... IN (a AS 'x')) labels are strings
    TABLESAMPLE_SIZE_IS_ROWS = False  # TABLESAMPLE BERNOULLI(10) is a percentage
    TABLESAMPLE_SEED_KEYWORD = "REPEATABLE"

    TRANSFORMS = {
        **generator.Generator.TRANSFORMS,
        exp.CurrentTimestamp: lambda self, e: "CURRENT_TIMESTAMP",
        exp.CurrentDate: lambda self, e: "CURRENT_DATE",
        exp.CurrentTime: lambda self, e: "CURRENT_TIME",
        exp.VarMap: lambda self, e: "MAP[" + ", ".join(
            f"{self.sql(k)}, {self.sql(v)}"
            for k, v in zip(e.args["keys"].expressions, e.args["values"].expressions)
        ) + "]",
        # sqlglot dispatches <key>_sql only for its own classes; route ours explicitly
        **{
            cls: (lambda name: lambda self, e: getattr(self, name)(e))(f"{cls.key}_sql")
            for cls in vars(fx).values()
            if isinstance(cls, type) and issubclass(cls, exp.Expression) and cls.__module__ == fx.__name__
        },
    }

    def unsupported(self, message: str) -> None:
        """Never drop or rewrite silently: anything sqlglot cannot write as Flink SQL raises."""
        raise UnsupportedError(message)

    # ---- types ------------------------------------------------------------

    def datatype_sql(self, expression: exp.DataType) -> str:
        dtype = expression.this
        kind = expression.args.get("kind")
        args = expression.expressions
        if isinstance(dtype, exp.Interval):
            sql = f"INTERVAL {self.sql(dtype, 'unit')}"
        elif dtype == exp.DType.USERDEFINED and kind is not None and kind.name == "MULTISET":
            sql = f"MULTISET<{self.sql(args[0])}>"
        elif dtype == exp.DType.USERDEFINED and kind is not None and kind.name == "RAW":
            sql = f"RAW({self.expressions(expression, flat=True)})"
        elif dtype == exp.DType.ARRAY:
            sql = f"ARRAY<{self.sql(args[0])}>"
        elif dtype == exp.DType.MAP:
            sql = f"MAP<{self.sql(args[0])}, {self.sql(args[1])}>"
        elif dtype == exp.DType.STRUCT:
            sql = f"ROW<{', '.join(self._row_field(f) for f in args)}>"
        elif dtype == exp.DType.USERDEFINED and kind is not None and kind.name == "STRUCTURED":
            sql = f"STRUCTURED<{', '.join([self.sql(args[0]), *(self._row_field(f) for f in args[1:])])}>"
        elif kind is not None and kind.name == "WITH LOCAL TIME ZONE":
            params = f"({self.expressions(expression, flat=True)})" if args else ""
            sql = f"TIMESTAMP{params} WITH LOCAL TIME ZONE"
        else:
            name = kind.name if kind is not None else _TYPE_NAMES.get(dtype, dtype.value if isinstance(dtype, exp.DType) else str(dtype))
            sql = f"{name}({self.expressions(expression, flat=True)})" if args else name
        nullable = expression.args.get("nullable")
        if nullable is False:
            sql += " NOT NULL"
        elif nullable is True:
            sql += " NULL"
        return sql

    def _row_field(self, field: exp.Expr) -> str:
        """``name TYPE ['description']``: a ROW or STRUCTURED field (its description is a bare string)."""
        if not isinstance(field, exp.ColumnDef):
            return self.sql(field)
        sql = f"{self.sql(field, 'this')} {self.sql(field, 'kind')}"
        for c in field.args.get("constraints") or []:
            if isinstance(c.args.get("kind"), exp.CommentColumnConstraint):
                sql += f" {self.sql(c.kind, 'this')}"
        return sql

    def typedliteral_sql(self, expression: fx.TypedLiteral) -> str:
        return f"{self.sql(expression, 'to')} {self.sql(expression, 'this')}"

    def datatypeparam_sql(self, expression: exp.DataTypeParam) -> str:
        return self.sql(expression, "this")

    # ---- statements -------------------------------------------------------

    def set_sql(self, expression: exp.Set) -> str:
        items = expression.expressions
        return f"SET {self.sql(items[0])}" if items else "SET"

    def setitem_sql(self, expression: exp.SetItem) -> str:
        eq = expression.this
        return f"{self.sql(eq, 'this')} = {self.sql(eq, 'expression')}"

    def reset_sql(self, expression: fx.Reset) -> str:
        return f"RESET {self.sql(expression, 'this')}" if expression.this is not None else "RESET"

    def use_sql(self, expression: exp.Use) -> str:
        kind = self.sql(expression, "kind")
        return f"USE {kind + ' ' if kind else ''}{self.sql(expression, 'this')}"

    def modulecommand_sql(self, expression: fx.ModuleCommand) -> str:
        sql = f"{expression.name} {self.expressions(expression, flat=True)}"
        props = expression.args.get("properties")
        if props:
            sql += f" WITH {self._options(props)}"
        return sql

    def truncatetable_sql(self, expression: exp.TruncateTable) -> str:
        return f"TRUNCATE TABLE {self.expressions(expression, flat=True)}"

    def analyze_sql(self, expression: fx.Analyze) -> str:
        sql = f"ANALYZE TABLE {self.sql(expression, 'this')}"
        if expression.args.get("partition"):
            sql += f" PARTITION ({self.expressions(expression, key='partition', flat=True)})"
        sql += " COMPUTE STATISTICS"
        if expression.args.get("all_columns"):
            sql += " FOR ALL COLUMNS"
        elif expression.args.get("columns"):
            cols = self.expressions(expression, key="columns", flat=True)
            sql += f" FOR COLUMNS({cols})" if expression.args.get("wrapped") else f" FOR COLUMNS {cols}"
        return sql

    def stopjob_sql(self, expression: fx.StopJob) -> str:
        sql = f"STOP JOB {self.sql(expression, 'this')}"
        if expression.args.get("savepoint"):
            sql += " WITH SAVEPOINT"
        if expression.args.get("drain"):
            sql += " WITH DRAIN"
        return sql

    def call_sql(self, expression: fx.Call) -> str:
        return f"CALL {self.sql(expression, 'this')}({self.expressions(expression, flat=True)})"

    def jarcommand_sql(self, expression: fx.JarCommand) -> str:
        return f"{expression.name} JAR {self.sql(expression, 'expression')}"

    def show_sql(self, expression: fx.Show) -> str:
        sql = f"SHOW {expression.name}"
        for key, word in (("target", ""), ("partition", "PARTITION "), ("scope", "FROM ")):
            value = expression.args.get(key)
            if isinstance(value, exp.Partition):
                sql += f" PARTITION ({', '.join(self.sql(e) for e in value.expressions)})"
            elif value is not None:
                sql += f" {word}{self.sql(expression, key)}"
        not_ = "NOT " if expression.args.get("not_") else ""
        if expression.args.get("like") is not None:
            sql += f" {not_}LIKE {self.sql(expression, 'like')}"
        elif expression.args.get("ilike") is not None:
            sql += f" {not_}ILIKE {self.sql(expression, 'ilike')}"
        return sql

    def describe_sql(self, expression: exp.Expr) -> str:
        word = "DESC" if expression.args.get("short") else "DESCRIBE"
        extended = " EXTENDED" if expression.args.get("extended") else ""
        kind = expression.args.get("kind")
        if isinstance(kind, str) and kind:  # DESCRIBE CATALOG [EXTENDED] c
            return f"{word} {kind}{extended} {self.sql(expression, 'this')}"
        return f"{word}{extended} {self.sql(expression, 'this')}"

    def explain_sql(self, expression: fx.Explain) -> str:
        sql = "EXPLAIN"
        if expression.args.get("plan_for"):
            sql += " PLAN FOR"
        details = expression.args.get("details") or []
        if details:
            sql += " " + ", ".join(d.name for d in details)
        this = expression.this
        body = self.sql(this)
        if isinstance(this, fx.StatementSet) and not this.args.get("sql_client"):
            body = body[len("EXECUTE "):]
        return f"{sql}{self.sep()}{body}"

    def compileplan_sql(self, expression: fx.CompilePlan) -> str:
        sql = "COMPILE AND EXECUTE PLAN" if expression.args.get("execute") else "COMPILE PLAN"
        sql += f" {self.sql(expression, 'this')}"
        if expression.args.get("exists"):
            sql += " IF NOT EXISTS"
        body = self.sql(expression, "expression")
        if isinstance(expression.expression, fx.StatementSet) and not expression.expression.args.get("sql_client"):
            body = body[len("EXECUTE "):]
        return f"{sql} FOR{self.sep()}{body}"

    def executeplan_sql(self, expression: fx.ExecutePlan) -> str:
        return f"EXECUTE PLAN {self.sql(expression, 'this')}"

    def execute_sql(self, expression: fx.Execute) -> str:
        return f"EXECUTE {self.sql(expression, 'this')}"

    def statementset_sql(self, expression: fx.StatementSet) -> str:
        inserts = [self.sql(e) + ";" for e in expression.expressions]
        if self.pretty:
            body = "\n" + self.indent("\n".join(inserts), skip_first=False) + "\n"
        else:
            body = " " + " ".join(inserts) + " "
        if expression.args.get("sql_client"):
            return f"BEGIN STATEMENT SET;{body}END"
        return f"EXECUTE STATEMENT SET{self.sep()}BEGIN{body}END"

    def insert_sql(self, expression: exp.Insert) -> str:
        verb = "INSERT OVERWRITE" if expression.args.get("overwrite") else "INSERT INTO"
        if isinstance(expression, fx.Upsert):
            verb = "UPSERT INTO"
        this = expression.this
        table = this.this if isinstance(this, exp.Schema) else this
        target = self._table_name(table)
        if isinstance(table, exp.Table) and table.args.get("hints"):
            target += " " + " ".join(self.sql(h).strip() for h in table.args["hints"])
        if isinstance(table, exp.Table) and table.args.get("extend") is not None:
            target += f" {self.sql(table.args['extend'])}"
        partition = table.args.get("partition")
        if partition is not None:
            target += f" PARTITION ({', '.join(self.sql(e) for e in partition.expressions)})"
        if isinstance(this, exp.Schema):
            target += f" ({self.expressions(this, flat=True)})"
        return f"{verb} {target}{self.sep()}{self.sql(expression, 'expression')}"

    def explicittable_sql(self, expression: fx.ExplicitTable) -> str:
        return f"TABLE {self.sql(expression.args['from_'], 'this')}"

    def upsert_sql(self, expression: fx.Upsert) -> str:
        return self.insert_sql(expression)

    def _table_name(self, table: exp.Expr) -> str:
        return ".".join(self.sql(p) for p in table.parts) if isinstance(table, exp.Table) else self.sql(table)

    # ---- query parts ------------------------------------------------------

    def version_sql(self, expression: exp.Version) -> str:
        return f"FOR {expression.name} {expression.text('kind')} {self.sql(expression, 'expression')}"

    def tablefromrows_sql(self, expression: exp.TableFromRows) -> str:
        alias = self.sql(expression, "alias")
        return f"TABLE({self.sql(expression, 'this')})" + (f" AS {alias}" if alias else "")

    def lateral_sql(self, expression: exp.Lateral) -> str:
        alias = self.sql(expression, "alias")
        return f"LATERAL {self.sql(expression, 'this')}" + (f" AS {alias}" if alias else "")

    def table_sql(self, expression: exp.Table, sep: str = " AS ") -> str:
        hints = expression.args.get("hints")
        extend = expression.args.get("extend")
        if not hints and extend is None:
            return super().table_sql(expression, sep)
        bare = expression.copy()
        bare.set("hints", None)
        bare.set("extend", None)
        version = self.sql(bare, "version")
        bare.set("version", None)
        alias = self.sql(bare, "alias")
        bare.set("alias", None)
        sql = super().table_sql(bare, sep)
        if hints:
            sql += " " + " ".join(self.sql(h).strip() for h in hints)
        if extend is not None:
            sql += f" {self.sql(extend)}"
        if version:
            sql += f" {version}"
        return sql + (f"{sep}{alias}" if alias else "")

    def extend_sql(self, expression: fx.Extend) -> str:
        return f"EXTEND ({self.expressions(expression, flat=True)})"

    def matchrecognize_sql(self, expression: exp.MatchRecognize) -> str:
        parts = []
        if expression.args.get("partition_by"):
            parts.append(f"PARTITION BY {self.expressions(expression, key='partition_by', flat=True)}")
        if expression.args.get("order"):
            parts.append(self.sql(expression, "order").strip())
        if expression.args.get("measures"):
            parts.append("MEASURES" + self.sep() + self._lines(expression.args["measures"]))
        for key in ("rows", "after"):
            if expression.args.get(key):
                parts.append(self.sql(expression, key))
        if expression.args.get("pattern"):
            pattern = f"PATTERN ({self.sql(expression, 'pattern')})"
            if expression.args.get("within"):
                pattern += f" WITHIN {self.sql(expression, 'within')}"
            parts.append(pattern)
        if expression.args.get("subset"):
            parts.append("SUBSET " + ", ".join(f"{self.sql(e, 'this')} = {self.sql(e, 'expression')}"
                                               for e in expression.args["subset"]))
        if expression.args.get("define"):
            defs = [exp.var(f"{self.sql(d, 'alias')} AS {self.sql(d, 'this')}") for d in expression.args["define"]]
            parts.append("DEFINE" + self.sep() + self._lines(defs))
        alias = self.sql(expression, "alias")
        if self.pretty:
            body = "(\n" + self.indent("\n".join(parts), skip_first=False) + "\n)"
        else:
            body = "(" + " ".join(parts) + ")"
        return f"{self.seg('MATCH_RECOGNIZE')} {body}" + (f" AS {alias}" if alias else "")

    def _lines(self, items: list[exp.Expr]) -> str:
        if not self.pretty:
            return ", ".join(self.sql(i) for i in items)
        return self.indent(",\n".join(self.sql(i) for i in items), skip_first=False)

    def tableargument_sql(self, expression: fx.TableArgument) -> str:
        this = expression.this
        sql = self.sql(this) if isinstance(this, exp.Subquery) else f"TABLE {self.sql(this)}"
        parts = expression.args.get("partition_by")
        if parts:
            keys = self.expressions(expression, key="partition_by", flat=True)
            sql += f" PARTITION BY {keys}" if len(parts) == 1 else f" PARTITION BY ({keys})"
        order = expression.args.get("order")
        if order is not None:
            keys = ", ".join(self.sql(k) for k in order.expressions)
            wrapped = expression.args.get("order_wrapped") or len(order.expressions) > 1
            sql += f" ORDER BY ({keys})" if wrapped else f" ORDER BY {keys}"
        return sql

    def modelargument_sql(self, expression: fx.ModelArgument) -> str:
        return f"MODEL {self.sql(expression, 'this')}"

    def descriptor_sql(self, expression: fx.Descriptor) -> str:
        return f"DESCRIPTOR({self.expressions(expression, flat=True)})"

    def substitution_sql(self, expression: fx.Substitution) -> str:
        default = expression.args.get("default")
        return f"${{{expression.name}}}" if default is None else f"${{{expression.name}:-{default}}}"

    def jsoncall_sql(self, expression: fx.JsonCall) -> str:
        args = ", ".join(self.sql(a) for a in expression.expressions)
        clauses = " ".join(self.sql(c) for c in expression.args.get("clauses") or [])
        inner = f"{args} {clauses}" if args and clauses else args or clauses
        return f"{expression.name}({inner})"

    def jsonkeyvalue_sql(self, expression: fx.JsonKeyValue) -> str:
        key = "KEY " if expression.args.get("key") else ""
        return f"{key}{self.sql(expression, 'this')} VALUE {self.sql(expression, 'expression')}"

    def jsonclause_sql(self, expression: fx.JsonClause) -> str:
        sql = expression.name
        if expression.args.get("expression") is not None:
            sql += f" {self.sql(expression, 'expression')}"
        if expression.args.get("on"):
            sql += f" ON {expression.args['on']}"
        return sql

    def queryconstructor_sql(self, expression: fx.QueryConstructor) -> str:
        return f"{expression.name}({self.sql(expression, 'expression')})"

    def multisetconstructor_sql(self, expression: fx.MultisetConstructor) -> str:
        return f"MULTISET[{self.expressions(expression, flat=True)}]"

    def transcode_sql(self, expression: fx.Transcode) -> str:
        return f"{expression.name}({self.sql(expression, 'expression')} USING {self.sql(expression, 'using')})"

    def array_sql(self, expression: exp.Array) -> str:
        return f"ARRAY[{self.expressions(expression, flat=True)}]"

    def trim_sql(self, expression: exp.Trim) -> str:
        position = self.sql(expression, "position")
        chars = self.sql(expression, "expression")
        if not position and not chars:
            return f"TRIM({self.sql(expression, 'this')})"
        lead = " ".join(p for p in (position, chars) if p)
        return f"TRIM({lead} FROM {self.sql(expression, 'this')})"

    def strposition_sql(self, expression: exp.StrPosition) -> str:
        return f"POSITION({self.sql(expression, 'substr')} IN {self.sql(expression, 'this')})"

    def ordered_sql(self, expression: exp.Ordered) -> str:
        if not (expression._meta and expression._meta.get("nulls_written")):
            return super().ordered_sql(expression)
        desc = expression.args.get("desc")
        order = " DESC" if desc else (" ASC" if desc is False else "")
        nulls = " NULLS FIRST" if expression.args.get("nulls_first") else " NULLS LAST"
        return f"{self.sql(expression, 'this')}{order}{nulls}"

    def not_sql(self, expression: exp.Not) -> str:
        inner = expression.this
        if isinstance(inner, exp.Is):
            return f"{self.sql(inner, 'this')} IS NOT {self.sql(inner, 'expression')}"
        if isinstance(inner, (exp.Between, exp.In, exp.Like, exp.ILike, exp.SimilarTo)) and not inner.args.get("escape"):
            sql = self.sql(inner)
            left = self.sql(inner, "this")
            if sql.startswith(left + " "):
                return f"{left} NOT {sql[len(left) + 1:]}"
        return super().not_sql(expression)

    def kwarg_sql(self, expression: exp.Kwarg) -> str:
        return f"{self.sql(expression, 'this')} => {self.sql(expression, 'expression')}"

    def interval_sql(self, expression: exp.Interval) -> str:
        value = expression.this
        if isinstance(value, exp.Neg):
            value_sql = f"-{self.sql(value, 'this')}"
        else:
            value_sql = self.sql(value)
        unit = expression.args.get("unit")
        return f"INTERVAL {value_sql} {self.sql(unit)}" if unit is not None else f"INTERVAL {value_sql}"

    def intervalspan_sql(self, expression: exp.IntervalSpan) -> str:
        return f"{self.sql(expression, 'this')} TO {self.sql(expression, 'expression')}"
