"""Writing Flink DDL back: CREATE, ALTER and DROP, with columns, constraints, options and distribution.

A mixin of :class:`sqlflow.dialect.generator.FlinkGenerator`; with ``pretty``
the clauses go one per line and WITH options and columns one per line.
"""

from __future__ import annotations

from sqlglot import exp

from sqlflow.dialect import expressions as fx


class DdlGeneratorMixin:
    """``<key>_sql`` methods for DDL trees (see the package docstring for their shapes)."""

    def create_sql(self, expression: exp.Create) -> str:
        kind = expression.kind or "TABLE"
        props = expression.args.get("properties")
        items = list(props.expressions) if props else []
        temp = next((p for p in items if isinstance(p, exp.TemporaryProperty)), None)
        replace = expression.args.get("replace")
        head = "REPLACE" if isinstance(replace, exp.Var) else "CREATE OR REPLACE" if replace else "CREATE"
        if temp is not None:
            head += " TEMPORARY SYSTEM" if temp.args.get("this") else " TEMPORARY"
        head += f" {kind}"
        if expression.args.get("exists"):
            head += " IF NOT EXISTS"
        this = expression.this
        if isinstance(this, exp.Schema):
            head += f" {self.sql(this, 'this')} {self._schema_body(this)}"
        else:
            head += f" {self.sql(this)}"
        parts = [head]
        if kind == "FUNCTION":
            parts.append(f"AS {self.sql(expression, 'expression')}")
        for p in items:
            if isinstance(p, (exp.InputModelProperty, exp.OutputModelProperty)):
                word = "INPUT" if isinstance(p, exp.InputModelProperty) else "OUTPUT"
                parts.append(f"{word} {self._schema_body(p.this)}")
        parts.extend(f"COMMENT {self.sql(p, 'this')}" for p in items if isinstance(p, exp.SchemaCommentProperty))
        parts.extend(f"DISTRIBUTED {self.sql(p)}" for p in items if isinstance(p, fx.Distribution))
        parts.extend(f"PARTITIONED BY ({self.expressions(p.this, flat=True)})"
                     for p in items if isinstance(p, exp.PartitionedByProperty))
        options = [p for p in items if type(p) is exp.Property]
        if options:
            parts.append(f"WITH {self._options(options)}")
        parts.extend(self.sql(p) for p in items if isinstance(p, (fx.Freshness, fx.RefreshMode)))
        for p in items:
            if isinstance(p, exp.LikeProperty):
                like = f"LIKE {self.sql(p, 'this')}"
                if p.expressions:
                    opts = [f"{o.name} {o.text('value')}" for o in p.expressions]
                    if self.pretty:
                        like += " (\n" + self.indent("\n".join(opts), skip_first=False) + "\n)"
                    else:
                        like += " (" + " ".join(opts) + ")"
                parts.append(like)
            elif isinstance(p, exp.LanguageProperty):
                parts.append(f"LANGUAGE {self.sql(p, 'this')}")
            elif isinstance(p, fx.FunctionUsing):
                parts.append("USING " + ", ".join(f"JAR {self.sql(j)}" for j in p.expressions))
        if kind != "FUNCTION" and expression.args.get("expression") is not None:
            parts.append(f"AS{self.sep()}{self.sql(expression, 'expression')}" if not self.pretty else f"AS\n{self.sql(expression, 'expression')}")
        return self.sep().join(parts)

    def distribution_sql(self, expression: fx.Distribution) -> str:
        sql = ""
        if expression.expressions:
            kind = expression.args.get("kind")
            sql = f"BY {kind or ''}({self.expressions(expression, flat=True)})"
        if expression.args.get("buckets") is not None:
            sql += f" INTO {self.sql(expression, 'buckets')} BUCKETS"
        return sql.strip()

    def freshness_sql(self, expression: fx.Freshness) -> str:
        return f"FRESHNESS = {self.sql(expression, 'this')}"

    def refreshmode_sql(self, expression: fx.RefreshMode) -> str:
        return f"REFRESH_MODE = {self.sql(expression, 'this')}"

    def _schema_body(self, schema: exp.Expr) -> str:
        items = [self.sql(e) for e in schema.expressions]
        if not self.pretty:
            return f"({', '.join(items)})"
        body = ",\n".join(items)
        return "(\n" + self.indent(body, skip_first=False) + "\n)"

    def _options(self, options: list[exp.Expr]) -> str:
        items = [self.sql(o) for o in options]
        if not self.pretty:
            return f"({', '.join(items)})"
        return "(\n" + self.indent(",\n".join(items), skip_first=False) + "\n)"

    def property_sql(self, expression: exp.Property) -> str:
        return f"{self.sql(expression, 'this')} = {self.sql(expression, 'value')}"

    def columnconstraint_sql(self, expression: exp.ColumnConstraint) -> str:
        name = self.sql(expression, "this")
        kind = self.sql(expression, "kind")
        return f"CONSTRAINT {name} {kind}" if name else kind

    def metadatacolumnconstraint_sql(self, expression: fx.MetadataColumnConstraint) -> str:
        sql = "METADATA"
        if expression.this is not None:
            sql += f" FROM {self.sql(expression, 'this')}"
        if expression.args.get("virtual"):
            sql += " VIRTUAL"
        return sql

    def computedcolumnconstraint_sql(self, expression: exp.ComputedColumnConstraint) -> str:
        return f"AS {self.sql(expression, 'this')}"

    def notnullcolumnconstraint_sql(self, expression: exp.NotNullColumnConstraint) -> str:
        return "NULL" if expression.args.get("allow_null") else "NOT NULL"

    def primarykeycolumnconstraint_sql(self, expression: exp.PrimaryKeyColumnConstraint) -> str:
        options = " ".join(o.name for o in expression.args.get("options") or [])
        return f"PRIMARY KEY {options}".strip()

    def primarykey_sql(self, expression: exp.PrimaryKey) -> str:
        options = " ".join(o.name for o in expression.args.get("options") or [])
        return f"PRIMARY KEY ({self.expressions(expression, flat=True)}) {options}".strip()

    def constraint_sql(self, expression: exp.Constraint) -> str:
        return f"CONSTRAINT {self.sql(expression, 'this')} {self.expressions(expression, flat=True)}"

    def watermarkcolumnconstraint_sql(self, expression: exp.WatermarkColumnConstraint) -> str:
        return f"WATERMARK FOR {self.sql(expression, 'this')} AS {self.sql(expression, 'expression')}"

    def drop_sql(self, expression: exp.Drop) -> str:
        temp = expression.args.get("temporary")
        sql = "DROP"
        if temp:
            sql += " TEMPORARY SYSTEM" if isinstance(temp, exp.Expr) else " TEMPORARY"
        sql += f" {expression.args.get('kind')}"
        if expression.args.get("exists"):
            sql += " IF EXISTS"
        sql += f" {self.expressions(expression, key='tables', flat=True)}"
        if expression.args.get("cascade"):
            sql += " CASCADE"
        elif expression.args.get("restrict"):
            sql += " RESTRICT"
        return sql

    def alter_sql(self, expression: exp.Alter) -> str:
        sql = "ALTER"
        for option in expression.args.get("options") or []:
            sql += f" {option.name}"
        sql += f" {expression.args.get('kind')}"
        if expression.args.get("exists"):
            sql += " IF EXISTS"
        sql += f" {self.sql(expression, 'this')}"
        actions = expression.args.get("actions") or []
        for action in actions:
            sql += f" {self._alter_action(action)}"
        return sql

    def _alter_action(self, action: exp.Expr) -> str:
        if isinstance(action, (fx.Freshness, fx.RefreshMode)):
            return f"SET {self.sql(action)}"
        if isinstance(action, exp.SchemaCommentProperty):
            return f"COMMENT {self.sql(action, 'this')}"
        if isinstance(action, exp.Literal):
            return f"AS {self.sql(action)}"
        if isinstance(action, exp.Tuple):  # ALTER FUNCTION f AS 'id' LANGUAGE L
            impl, lang = action.expressions
            return f"AS {self.sql(impl)} LANGUAGE {self.sql(lang, 'this')}"
        return self.sql(action)

    def alteroptions_sql(self, expression: fx.AlterOptions) -> str:
        word = "RESET" if expression.args.get("reset") else "SET"
        return f"{word} {self._options(expression.expressions)}"

    def alterrename_sql(self, expression: exp.AlterRename, include_to: bool = True) -> str:
        return f"RENAME TO {self.sql(expression, 'this')}"

    def renamecolumn_sql(self, expression: exp.RenameColumn) -> str:
        return f"RENAME {self.sql(expression, 'this')} TO {self.sql(expression, 'to')}"

    def alterschema_sql(self, expression: fx.AlterSchema) -> str:
        verb = expression.name
        if expression.args.get("wrapped"):
            return f"{verb} {self._schema_body(expression)}"
        return f"{verb} {self.sql(expression.expressions[0])}"

    def alterdistribution_sql(self, expression: fx.AlterDistribution) -> str:
        verb = expression.args.get("this")
        tail = self.sql(expression, "expression")
        return " ".join(p for p in (verb, "DISTRIBUTION", tail) if p)

    def partitionspec_sql(self, expression: fx.PartitionSpec) -> str:
        sql = f"PARTITION ({self.expressions(expression, flat=True)})"
        props = expression.args.get("properties")
        flat = ", ".join(self.sql(o) for o in props or [])
        return sql + (f" WITH ({flat})" if props is not None else "")

    def alterpartitions_sql(self, expression: fx.AlterPartitions) -> str:
        verb = expression.name
        exists = (" IF NOT EXISTS" if verb == "ADD" else " IF EXISTS") if expression.args.get("exists") else ""
        specs = [self.sql(s) for s in expression.expressions]
        return f"{verb}{exists} " + (", " if verb == "DROP" else " ").join(specs)

    def altermaterialized_sql(self, expression: fx.AlterMaterialized) -> str:
        sql = expression.name
        if expression.args.get("properties") is not None:
            sql += f" WITH {self._options(expression.args['properties'])}"
        partition = expression.args.get("partition")
        if partition is not None:
            sql += f" PARTITION ({', '.join(self.sql(e) for e in partition.expressions)})"
        return sql

    def alterdrop_sql(self, expression: fx.AlterDrop) -> str:
        kind = expression.args.get("kind")
        if kind == "CONSTRAINT":
            return f"DROP CONSTRAINT {self.expressions(expression, flat=True)}"
        if kind:
            return f"DROP {kind}"
        cols = self.expressions(expression, flat=True)
        return f"DROP ({cols})" if expression.args.get("wrapped") else f"DROP {cols}"

    def alteras_sql(self, expression: fx.AlterAs) -> str:
        return f"AS{self.sep()}{self.sql(expression, 'this')}"

    def setoption_sql(self, expression: fx.SetOption) -> str:
        name = self.sql(expression, "expression") or "ALL"
        if expression.args.get("reset"):
            return f"ALTER {expression.name} RESET {name}"
        return f"ALTER {expression.name} SET {name} = {self.sql(expression, 'value')}"
