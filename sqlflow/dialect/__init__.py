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
    strings or comments) is always a located error, never a traceback.
    ``parse_script_partial(text, file)`` raises nothing: it returns the
    statements that parse, an error per one that does not, and the text of
    those (a missing ``;`` between two statements is reported, and both kept)::

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

``format_statement(tree) -> str``
    One tree in the same house style, without the closing ``;``.

``with_options(create) -> dict[str, str]``
    The ``WITH ('k' = 'v', ...)`` options of a CREATE statement.

Example (file positions are 1-based; a caret-style error is ``err.render()``)::

    >>> text = "CREATE TABLE clicks (user_id BIGINT, ts TIMESTAMP(3))" + chr(10) + "WITH ('connector' = 'kafka');"
    >>> stmts = parse_script(text, "jobs/clicks.sql")
    >>> create = stmts[0].expression
    >>> [c.name for c in create.this.expressions], with_options(create)
    (['user_id', 'ts'], {'connector': 'kafka'})
    >>> loc = stmts[0].locate(create.this.expressions[1])
    >>> (loc.file, loc.line, loc.column)
    ('jobs/clicks.sql', 1, 38)

Strictness: what Flink would reject is a located error here, never a silent
rewrite: unquoted WITH keys, ``PRIMARY KEY`` without ``NOT ENFORCED``,
``==``, trailing commas, braces, Hive-style ``GROUPING SETS`` suffixes, and
anything the generator could not write back as Flink SQL.

Node shapes the compiler meets
==============================

Flink-only classes live in ``sqlflow.dialect.expressions`` (``fx`` below):
MetadataColumnConstraint, TableArgument, ModelArgument, Descriptor,
StatementSet, Execute, Reset, Explain, Show, Describe, Call, Analyze, StopJob, JarCommand,
ModuleCommand, AlterOptions, AlterSchema, AlterDrop, AlterAs, FunctionUsing, Distribution,
Freshness, RefreshMode, AlterDistribution, PartitionSpec, AlterPartitions, AlterMaterialized,
CompilePlan, ExecutePlan, SetOption, Extend, Transcode, QueryConstructor, MultisetConstructor,
MatchRecognize (sqlglot's plus ``within`` and ``subset``), TypedLiteral (a Cast subclass),
ExplicitTable (a Select subclass), Upsert (an Insert subclass),
JsonCall, JsonKeyValue, JsonClause, Substitution. Everything else is a sqlglot class.

Project variables: ``${NAME}`` / ``${NAME:-default}`` outside strings are
``fx.Substitution(this='NAME', default=None|'text')`` and are written back
verbatim (inside strings they are plain text), so raw job files parse and
format; the compiler substitutes them before parsing anyway.

Names: ``exp.Table(this=Identifier, db=Identifier, catalog=Identifier)`` for
``cat.db.t``; Identifiers keep ``quoted`` for backquoted names. Function
names keep their case; only aggregates and a few common functions become
typed sqlglot nodes (``parser.TYPED_FUNCTIONS``), every other call is an
``exp.Anonymous`` named as written. Dynamic table options
``t /*+ OPTIONS('k'='v') */`` are ``Table.args['hints'] = [exp.Hint]``.

CREATE TABLE::

    exp.Create(kind="TABLE", exists=bool, replace=bool, this=exp.Schema(
        this=exp.Table(...),
        expressions=[
            exp.ColumnDef(this=Identifier, kind=exp.DataType, constraints=[
                exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()),
                exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint(options=[Var('NOT ENFORCED')])),
                exp.ColumnConstraint(kind=exp.CommentColumnConstraint(this=Literal))]),
            # computed column `c AS expr`: kind is None
            exp.ColumnDef(this=Identifier, kind=None, constraints=[
                exp.ColumnConstraint(kind=exp.ComputedColumnConstraint(this=<expr>))]),
            # metadata column `c TYPE METADATA [FROM 'key'] [VIRTUAL]`
            exp.ColumnDef(this=Identifier, kind=exp.DataType, constraints=[
                exp.ColumnConstraint(kind=fx.MetadataColumnConstraint(this=Literal|None, virtual=bool))]),
            exp.WatermarkColumnConstraint(this=exp.Column, expression=<expr>),
            exp.PrimaryKey(expressions=[Identifier...], options=[Var('NOT ENFORCED')]),
            # `CONSTRAINT pk PRIMARY KEY (...)` wraps it: exp.Constraint(this=Identifier, expressions=[PrimaryKey])
        ]),
        properties=exp.Properties(expressions=[
            exp.TemporaryProperty(),                      # CREATE TEMPORARY (this=Var('SYSTEM') for TEMPORARY SYSTEM)
            exp.SchemaCommentProperty(this=Literal),      # COMMENT '...'
            fx.Distribution(kind='HASH'|'RANGE'|None, expressions=[Identifier]|None, buckets=Literal|None),
            exp.PartitionedByProperty(this=exp.Schema(expressions=[Identifier...])),
            exp.Property(this=Literal('connector'), value=Literal('kafka')),   # each WITH option
            exp.LikeProperty(this=exp.Table, expressions=[exp.Property(this=Var('INCLUDING'), value=Var('ALL'))]),
        ]),
        expression=<query>)                               # CREATE TABLE ... AS SELECT

Without a column list ``this`` is the bare ``exp.Table``. ``with_options(create)``
gives the WITH options as ``dict[str, str]``. ``replace`` is True for CREATE OR
REPLACE and ``Var('REPLACE')`` for RTAS's ``REPLACE TABLE t AS ...`` (which fails
where the table is missing). ``DISTRIBUTED BY HASH(a) INTO 4 BUCKETS`` is the
``fx.Distribution`` property.

CREATE MATERIALIZED TABLE: ``exp.Create(kind="MATERIALIZED TABLE", this=exp.Table |
exp.Schema(this=Table, expressions=[PrimaryKey | Constraint]), properties=[SchemaCommentProperty,
fx.Distribution, PartitionedByProperty, Property..., fx.Freshness(this=exp.Interval),
fx.RefreshMode(this=Var('CONTINUOUS'|'FULL'))], expression=<query>)``: a table with a query.

Types are ``exp.DataType``: STRING is ``DType.TEXT``; BYTES is ``DType.VARBINARY``
with ``kind=Var('BYTES')`` (other kept spellings: INTEGER, DEC, NUMERIC, REAL);
``TIMESTAMP_LTZ(p)`` and ``TIMESTAMP(p) WITH LOCAL TIME ZONE`` are
``DType.TIMESTAMPLTZ``; ``ARRAY<T>`` is ``DType.ARRAY``, ``MAP<K, V>`` ``DType.MAP``,
``ROW<a T>``/``ROW(a T)`` ``DType.STRUCT`` with ``ColumnDef`` fields,
``MULTISET<T>`` and ``RAW(...)`` are ``DType.USERDEFINED`` with ``kind=Var('MULTISET'|'RAW')``.
``NOT NULL`` inside a type (CAST targets, ROW fields, ARRAY elements) sets
``nullable=False``; on a table column it is a ``NotNullColumnConstraint``.

CREATE VIEW: ``exp.Create(kind="VIEW", this=exp.Table | exp.Schema(this=Table,
expressions=[Identifier]), expression=<query>)``.

CREATE FUNCTION: ``exp.Create(kind="FUNCTION", this=exp.Table, exists=bool,
expression=Literal('class.or.module.fn'), properties=[exp.TemporaryProperty(this=None|Var('SYSTEM')),
exp.LanguageProperty(this=Var('PYTHON'|'JAVA'|'SCALA')), fx.FunctionUsing(expressions=[Literal jar])])``.

CREATE MODEL: ``exp.Create(kind="MODEL", this=exp.Table, properties=[
exp.InputModelProperty(this=exp.Schema(expressions=[ColumnDef...])),
exp.OutputModelProperty(this=exp.Schema(...)), exp.SchemaCommentProperty,
exp.Property(key, value)...])``. CREATE CATALOG / DATABASE: kind "CATALOG" /
"DATABASE" with SchemaCommentProperty and WITH Property nodes.

DROP: ``exp.Drop(kind=str, tables=[exp.Table], exists=bool, temporary=False|True|Var('SYSTEM'),
cascade=bool, restrict=bool)``; ``kind`` is ``MATERIALIZED TABLE`` or ``SYSTEM FUNCTION`` too.
ALTER: ``exp.Alter(kind=str, this=exp.Table, exists=bool, options=None|[Var('TEMPORARY'|'TEMPORARY SYSTEM')],
actions=[fx.AlterOptions(expressions=[Property] | [Literal key], reset=bool) |
exp.AlterRename(this=Table) | exp.RenameColumn(this=Identifier|Column, to=Identifier) |
fx.AlterSchema(this='ADD'|'MODIFY', expressions=[ColumnDef|Watermark|PrimaryKey|fx.AlterDistribution]) |
fx.AlterDrop(expressions=[Identifier|Column], kind=None|'PRIMARY KEY'|'WATERMARK'|'CONSTRAINT'|'DISTRIBUTION') |
fx.AlterPartitions(this='ADD'|'DROP', exists=bool, expressions=[fx.PartitionSpec(expressions=[EQ], properties)]) |
fx.AlterDistribution(this='ADD'|'MODIFY'|'DROP', expression=fx.Distribution) |
fx.AlterMaterialized(this='SUSPEND'|'RESUME'|'REFRESH', properties, partition) | fx.Freshness |
fx.RefreshMode | exp.SchemaCommentProperty (ALTER CATALOG c COMMENT) | fx.AlterAs(this=query)])``.
A nested column ``row.field`` of ALTER TABLE is an ``exp.Column`` of the dotted parts where a
plain one is an ``Identifier``. ``ALTER SYSTEM | SESSION SET k = v`` is ``fx.SetOption``.

INSERT: ``exp.Insert(this=exp.Table | exp.Schema(this=Table, expressions=[Identifier]),
overwrite=bool, expression=<query or VALUES>)``; a static partition is
``Table.args['partition'] = exp.Partition(expressions=[exp.EQ(Identifier, Literal)])``.

Window TVF ``FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTES)) AS w``:
``exp.TableFromRows(this=exp.Anonymous(this='TUMBLE', expressions=[
fx.TableArgument(this=exp.Table), fx.Descriptor(expressions=[Column]),
exp.Interval(this=Literal('1'), unit=Var('MINUTES'))]), alias=TableAlias(w))``.
Named arguments are ``exp.Kwarg(this=Var('DATA'), expression=...)``. SESSION's
``TABLE t PARTITION BY k`` is ``fx.TableArgument(this=Table, partition_by=[Column])``.
Intervals keep the unit as written (``MINUTES`` stays plural); ``DAY TO SECOND``
is ``unit=exp.IntervalSpan(this=Var('DAY'), expression=Var('SECOND'))``.

Temporal / lookup join ``JOIN r FOR SYSTEM_TIME AS OF o.ts AS r2``: the joined
``exp.Table`` has ``version=exp.Version(this='SYSTEM_TIME', kind='AS OF', expression=Column)``.

``LATERAL TABLE(f(x)) AS T(a, b)``: ``exp.Lateral(this=exp.TableFromRows(this=f(x)),
alias=TableAlias(this=T, columns=[a, b]))``. ``CROSS JOIN UNNEST(arr) AS t(x)``:
``exp.Unnest`` with a TableAlias.

``FROM ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(f1, f2))`` (and ML_EVALUATE):
``exp.Table(this=exp.Anonymous(this='ML_PREDICT', expressions=[
fx.TableArgument(this=Table), fx.ModelArgument(this=Table), fx.Descriptor(...)]))``.

MATCH_RECOGNIZE: ``fx.MatchRecognize`` (a subclass of sqlglot's ``exp.MatchRecognize``;
the PATTERN is kept as text, ``within`` holds the ``WITHIN INTERVAL ...``).

Literals and functions: ``TIMESTAMP '2024-01-01 00:00:00'`` (also DATE, TIME) is
``fx.TypedLiteral(this=Literal, to=DataType)``, a subclass of ``exp.Cast`` written
back as the literal. SQL/JSON calls are ``fx.JsonCall(this='JSON_VALUE',
expressions=[args], clauses=[fx.JsonClause(this='RETURNING'|'DEFAULT'|'NULL'|...,
expression=..., on='EMPTY'|'ERROR'|'NULL')])``; JSON_OBJECT pairs are
``fx.JsonKeyValue(this=key, expression=value, key=bool)``. ``IF(c, a, b)``,
``VAR_POP`` and every function outside ``parser.TYPED_FUNCTIONS`` stay
``exp.Anonymous``. ``ARRAY[...]`` is ``exp.Array``, ``MAP[...]`` ``exp.VarMap``,
``ROW(...)`` an ``exp.Anonymous`` named ROW. ``NULLS FIRST/LAST`` written by the
user is kept (``Ordered.meta['nulls_written']``).

SET / RESET: ``exp.Set(expressions=[exp.SetItem(this=exp.EQ(this=Literal(key),
expression=Literal(value)))])``; ``SET`` alone has no expressions;
``fx.Reset(this=Literal|None)``. USE: ``exp.Use(this=Table, kind=None|Var('CATALOG'))``;
``USE MODULES a, b`` is ``fx.ModuleCommand``.

Statement sets: ``fx.StatementSet(expressions=[exp.Insert, ...], sql_client=bool)``
for ``EXECUTE STATEMENT SET BEGIN ...; END`` (False) and the sql-client form
``BEGIN STATEMENT SET; ...; END;`` (True); either is one ``Statement``.
``EXECUTE INSERT ...`` is ``fx.Execute(this=Insert)``.

COMPILE PLAN: ``fx.CompilePlan(this=Literal(file), exists=bool, execute=bool (AND EXECUTE),
expression=Insert|StatementSet)``; ``EXECUTE PLAN 'f'`` is ``fx.ExecutePlan(this=Literal)``.

EXPLAIN: ``fx.Explain(this=<statement>, details=[Var('CHANGELOG_MODE'), ...], plan_for=bool)``;
SHOW: ``fx.Show(this=Var('TABLES'|'CREATE TABLE'|...), target=Table, scope=Table, like=Literal, not_=bool)``;
DESCRIBE: ``fx.Describe(this=Table, kind=None|'MODEL'|'CATALOG'|...)`` (``DESCRIBE JOB 'id'``:
``this`` is the id Literal); SHOW PARTITIONS
carries ``partition=exp.Partition``. TRUNCATE TABLE: ``exp.TruncateTable(expressions=[Table])``;
CALL: ``fx.Call(this=Table (procedure name), expressions=[args])``. ANALYZE TABLE:
``fx.Analyze(this=Table, partition=[EQ|Identifier], columns=[Identifier], all_columns=bool)``.
DELETE and UPDATE are sqlglot's ``exp.Delete`` / ``exp.Update``. STOP JOB:
``fx.StopJob(this=Literal(job id), savepoint=bool, drain=bool)``.

Flink 2.2.1's whole grammar is read (tests/unit/dialect/flink_grammar.py lists its
productions); where Flink's parser refuses a statement the dialect refuses it too,
located (``SET`` with an unquoted key, ``CREATE OR ALTER``, ...). Read differently:
``BEGIN STATEMENT SET; ... END;`` is one statement set, never two statements.
Accepted but normalised on output (same tree, same meaning):
``SUBSTRING(s FROM 1 FOR 2)`` is written ``SUBSTRING(s, 1, 2)``, ``ROW(a INT)``
types ``ROW<a INT>``, ``T ARRAY`` ``ARRAY<T>``, ``OFFSET n ROWS`` ``OFFSET n``,
``x IS UNKNOWN`` ``x IS NULL``, ``SOME`` ``ANY``, ``SHOW ... IN`` ``SHOW ... FROM``, keyword case,
spacing and ``AS`` before aliases.
"""

from __future__ import annotations

from sqlglot import exp

from sqlflow.dialect.flink import Flink
from sqlflow.dialect.format import format_sql, format_statement
from sqlflow.dialect.script import (ParsedScript, Statement, parse_script, parse_script_partial, statement_texts,
                                    strip_comments)


def with_options(create: exp.Expr) -> dict[str, str]:
    """The ``WITH ('k' = 'v', ...)`` options of a CREATE statement, as a dict."""
    props = create.args.get("properties")
    out: dict[str, str] = {}
    for p in props.expressions if props else []:
        if type(p) is exp.Property:
            key = p.this.name if isinstance(p.this, exp.Literal) else p.this.sql()
            out[key] = p.args["value"].name
    return out


__all__ = ["Flink", "ParsedScript", "Statement", "format_sql", "format_statement", "parse_script",
           "parse_script_partial", "statement_texts", "strip_comments", "with_options"]
