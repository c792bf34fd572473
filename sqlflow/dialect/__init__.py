"""The Flink SQL dialect on sqlglot: parse, locate, format.

Importing this package registers the sqlglot dialect ``"flink"``, so
``sqlglot.parse(sql, read="flink")`` and ``expr.sql(dialect="flink")`` work.

Public API
==========

``parse_script(text, file="<string>") -> list[Statement]``
    Split a file of ``;``-separated statements and parse each one. A
    ``Statement`` is a frozen dataclass with ``expression`` (the sqlglot
    tree), ``sql`` (its source text), ``location`` (``sqlflow.errors.Location``
    of its first token) and ``locate(node) -> Location`` for any node inside it
    (identifiers, columns, tables and function calls carry positions; other
    nodes fall back to the nearest positioned descendant, then the statement).
    A syntax error raises ``sqlflow.errors.ParseError`` (rule ``"syntax"``,
    1-based line and column, span length, a hint where one fits); several bad
    statements raise ``sqlflow.errors.Diagnostics`` holding one ParseError
    each. Bad input (random bytes, NUL bytes, deep nesting, unterminated
    strings or comments) is always a located error, never a traceback::

        >>> from sqlflow.dialect import parse_script
        >>> [s.expression.key for s in parse_script("SET 'a' = 'b'; SELECT 1")]
        ['set', 'select']

``format_sql(text) -> str``
    Format a whole file in the house style: uppercase keywords, one clause
    per line, 4-space indents, WITH options one per line, statements ended by
    ``;`` and separated by a blank line, comments kept. It is idempotent and
    the result parses to the same trees.

``Flink``
    The sqlglot ``Dialect`` subclass (``sqlflow.dialect.flink``).

Node shapes the compiler meets
==============================

Names: a table name is ``exp.Table(this=Identifier, db=Identifier,
catalog=Identifier)`` (``cat.db.t``). Identifiers keep ``quoted`` for
backquoted names. Function names keep their case (no normalisation).

CREATE TABLE::

    exp.Create(kind="TABLE", exists=<IF NOT EXISTS>, this=exp.Schema(
        this=exp.Table(...),
        expressions=[
            exp.ColumnDef(this=Identifier, kind=exp.DataType,
                          constraints=[exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()), ...]),
            # computed column `c AS expr [COMMENT 'x']`:
            exp.ColumnDef(this=Identifier, kind=None, constraints=[
                exp.ColumnConstraint(kind=exp.ComputedColumnConstraint(this=<expr>))]),
            # metadata column `c TYPE METADATA [FROM 'key'] [VIRTUAL]`:
            exp.ColumnDef(this=Identifier, kind=exp.DataType, constraints=[
                exp.ColumnConstraint(kind=MetadataColumnConstraint(this=Literal|None, virtual=bool))]),
            exp.WatermarkColumnConstraint(this=exp.Column, expression=<expr>),
            exp.PrimaryKey(expressions=[Column...], options=["NOT ENFORCED"]),
        ]),
        properties=exp.Properties(expressions=[
            exp.SchemaCommentProperty(this=Literal),              # COMMENT '...'
            exp.PartitionedByProperty(this=exp.Schema(expressions=[Column...])),
            exp.Property(this=Literal('connector'), value=Literal('kafka')),  # WITH (...)
            exp.LikeProperty(this=exp.Table, expressions=[exp.Property(this=Var('INCLUDING'), value=Var('ALL')), ...]),
            exp.TemporaryProperty(),                              # CREATE TEMPORARY ...
        ]),
        expression=<query>  # CREATE TABLE ... AS SELECT
    )

``WITH`` options are ``exp.Property`` nodes whose ``this`` is the key as a
string ``Literal`` and ``value`` the value ``Literal``; read them with
``sqlflow.dialect.with_options(create) -> dict[str, str]``.

CREATE VIEW: ``exp.Create(kind="VIEW", this=exp.Table, expression=<query>,
properties=[exp.TemporaryProperty()])``.

CREATE FUNCTION: ``exp.Create(kind="FUNCTION", this=exp.Table (name),
exists=bool, expression=Literal('class.or.module.fn'), properties=[
exp.TemporaryProperty(), exp.SystemProperty()? , exp.LanguageProperty(this=Var('PYTHON'))])``.
Temporary system functions carry ``FunctionScopeProperty``... see
``sqlflow.dialect.expressions`` for the exact classes.

CREATE MODEL: ``exp.Create(kind="MODEL", this=exp.Table, properties=[
exp.InputModelProperty(this=exp.Schema(expressions=[ColumnDef...])),
exp.OutputModelProperty(this=exp.Schema(...)), exp.SchemaCommentProperty,
exp.Property(key, value)...])``.

Window TVF ``FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTES))``:
``exp.TableFromRows(this=exp.Anonymous(this='TUMBLE', expressions=[
TableArgument(this=exp.Table), Descriptor(expressions=[Column]),
exp.Interval(this=Literal('1'), unit=Var('MINUTES'))]), alias=...)``.
Named arguments are ``exp.Kwarg(this=Var('DATA'), expression=...)``. SESSION's
``TABLE t PARTITION BY k`` is ``TableArgument(this=Table, partition_by=[Column])``.

Temporal join ``JOIN r FOR SYSTEM_TIME AS OF o.ts AS r2``: the joined
``exp.Table`` has ``version=exp.Version(this='SYSTEM_TIME', kind='AS OF',
expression=Column)``.

``ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(f1, f2))`` in FROM:
``exp.Table(this=exp.Anonymous(this='ML_PREDICT', expressions=[
TableArgument(this=Table), ModelArgument(this=Table), Descriptor(...)]))``.

SET / RESET: ``exp.Set(expressions=[exp.SetItem(this=exp.EQ(this=Literal(key),
expression=Literal(value)))])``; ``SET`` alone has no expressions;
``Reset(this=Literal|None)``.

Statement sets: ``StatementSet(expressions=[exp.Insert, ...], sql_client=bool)``
for both ``EXECUTE STATEMENT SET BEGIN ... END`` and the sql-client form
``BEGIN STATEMENT SET; ... END;`` (parse_script joins the latter into one
Statement).

EXPLAIN: ``Explain(this=<statement>, details=[Var...])``; SHOW: ``Show(...)``.
"""

from __future__ import annotations

from sqlglot import exp

from sqlflow.dialect.flink import Flink
from sqlflow.dialect.format import format_sql, format_statement
from sqlflow.dialect.script import Statement, parse_script


def with_options(create: exp.Expr) -> dict[str, str]:
    """The ``WITH ('k' = 'v', ...)`` options of a CREATE statement, as a dict."""
    props = create.args.get("properties")
    out: dict[str, str] = {}
    for p in props.expressions if props else []:
        if type(p) is exp.Property:
            key = p.this.name if isinstance(p.this, exp.Literal) else p.this.sql()
            out[key] = p.args["value"].name
    return out


__all__ = ["Flink", "Statement", "format_sql", "format_statement", "parse_script", "with_options"]
