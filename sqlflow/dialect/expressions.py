"""Expression classes for Flink constructs that sqlglot has no node for.

Everything else in a Flink tree is one of sqlglot's own classes (see the
package docstring for the shapes). Each class here has a matching
``<key>_sql`` method in :mod:`sqlflow.dialect.generator`.
"""

from __future__ import annotations

from sqlglot import exp


class MetadataColumnConstraint(exp.Expression, exp.ColumnConstraintKind):
    """``METADATA [FROM 'key'] [VIRTUAL]`` of a metadata column; ``this`` is the key literal."""

    arg_types = {"this": False, "virtual": False}


class TableArgument(exp.Expression):
    """``TABLE t [PARTITION BY k | (k, ...)] [ORDER BY k | (k ASC, ...)]``: a table passed to a table function.

    Window TVFs, ML_PREDICT and process table functions take one; ``this`` is the
    exp.Table (or an exp.Subquery for ``(SELECT ...) PARTITION BY k``), ``order`` an
    exp.Order, ``order_wrapped`` whether its keys were written in parentheses.
    """

    arg_types = {"this": True, "partition_by": False, "order": False, "order_wrapped": False}


class ModelArgument(exp.Expression):
    """``MODEL m``: a model passed to ML_PREDICT / ML_EVALUATE."""

    arg_types = {"this": True}


class Descriptor(exp.Expression):
    """``DESCRIPTOR(c1, c2)``: column names passed to a table function."""

    arg_types = {"expressions": True}


class StatementSet(exp.Expression):
    """A statement set: ``EXECUTE STATEMENT SET BEGIN ...; END`` or (``sql_client``) ``BEGIN STATEMENT SET; ...; END``."""

    arg_types = {"expressions": True, "sql_client": False}


class Execute(exp.Expression):
    """``EXECUTE INSERT ...`` / ``EXECUTE <query>``: run one statement."""

    arg_types = {"this": True}


class Reset(exp.Expression):
    """``RESET ['key']``: reset one session option, or all of them."""

    arg_types = {"this": False}


class Explain(exp.Expression):
    """``EXPLAIN [PLAN FOR | detail, ...] <statement>``; ``details`` are Vars such as CHANGELOG_MODE."""

    arg_types = {"this": True, "details": False, "plan_for": False}


class Show(exp.Expression):
    """``SHOW <kind> [FROM|IN name] [[NOT] LIKE|ILIKE 'pattern']`` and ``SHOW CREATE <kind> name``.

    ``this`` is the kind as an upper-case Var (``TABLES``, ``CREATE TABLE``, ...).
    """

    arg_types = {"this": True, "target": False, "partition": False, "scope": False, "like": False, "not_": False,
                 "ilike": False}


class Describe(exp.Expression):
    """``DESCRIBE [EXTENDED] [MODEL|CATALOG|...] name`` / ``DESC name`` (``short`` keeps which keyword was used)."""

    arg_types = {"this": True, "kind": False, "extended": False, "short": False}


class JarCommand(exp.Expression):
    """``ADD JAR 'path'`` / ``REMOVE JAR 'path'`` (``this`` is ``ADD`` or ``REMOVE``)."""

    arg_types = {"this": True, "expression": True}


class ModuleCommand(exp.Expression):
    """``LOAD MODULE name [WITH (...)]`` / ``UNLOAD MODULE name`` / ``USE MODULES a, b``."""

    arg_types = {"this": True, "expressions": True, "properties": False}


class AlterOptions(exp.Expression):
    """``SET ('k' = 'v', ...)`` or ``RESET ('k', ...)`` inside ALTER; ``reset`` tells which."""

    arg_types = {"expressions": True, "reset": False}


class AlterSchema(exp.Expression):
    """``ADD|MODIFY (<column, watermark or key>, ...)`` or ``ADD|MODIFY <one>`` inside ALTER TABLE."""

    arg_types = {"this": True, "expressions": True, "wrapped": False}


class AlterDrop(exp.Expression):
    """``DROP (c1, c2)`` / ``DROP c`` / ``DROP PRIMARY KEY`` / ``DROP WATERMARK`` / ``DROP CONSTRAINT n``."""

    arg_types = {"expressions": False, "kind": False, "wrapped": False}


class AlterAs(exp.Expression):
    """``ALTER VIEW v AS <query>``."""

    arg_types = {"this": True}


class FunctionUsing(exp.Expression):
    """``USING JAR 'a.jar', JAR 'b.jar'`` of CREATE FUNCTION; ``expressions`` are string literals."""

    arg_types = {"expressions": True}


class MatchRecognize(exp.MatchRecognize):
    """sqlglot's MATCH_RECOGNIZE plus Flink's ``WITHIN <interval>`` after the PATTERN and ``SUBSET``.

    ``subset`` holds ``exp.EQ(this=name, expression=exp.Tuple(variables))`` items.
    """

    arg_types = {**exp.MatchRecognize.arg_types, "within": False, "subset": False}


class TypedLiteral(exp.Cast):
    """A typed literal such as ``TIMESTAMP '2023-07-31 00:00:00'`` or ``DATE '2024-01-01'``.

    It is a Cast (so type inference treats it as one) that is written back as the literal.
    """


class JsonCall(exp.Expression):
    """A SQL/JSON function with its clauses: ``JSON_VALUE(j, '$.a' RETURNING INT DEFAULT 0 ON EMPTY)``.

    ``this`` is the function name, ``expressions`` the comma-separated arguments
    (``JsonKeyValue`` for JSON_OBJECT), ``clauses`` the trailing ``JsonClause`` list.
    """

    arg_types = {"this": True, "expressions": False, "clauses": False}


class JsonKeyValue(exp.Expression):
    """``[KEY] k VALUE v`` inside JSON_OBJECT / JSON_OBJECTAGG (``key`` tells whether KEY was written)."""

    arg_types = {"this": True, "expression": True, "key": False}


class JsonClause(exp.Expression):
    """One SQL/JSON clause: ``RETURNING T``, ``DEFAULT x ON EMPTY``, ``NULL ON ERROR``, ``ABSENT ON NULL``,
    ``WITH CONDITIONAL ARRAY WRAPPER``...; ``this`` holds the leading words, ``on`` the ON target."""

    arg_types = {"this": True, "expression": False, "on": False}


class Substitution(exp.Expression):
    """``${NAME}`` or ``${NAME:-default}``: a project variable that sqlflow replaces before Flink sees the SQL.

    Kept verbatim so that ``format_sql`` can format job files as written; ``default``
    is the text after ``:-`` (``""`` for ``${NAME:-}``), None when there is none.
    """

    arg_types = {"this": True, "default": False}


class Call(exp.Expression):
    """``CALL [cat.][db.]procedure(args)``: ``this`` is the procedure name as an exp.Table."""

    arg_types = {"this": True, "expressions": False}


class Analyze(exp.Expression):
    """``ANALYZE TABLE t [PARTITION (k[=v], ...)] COMPUTE STATISTICS [FOR COLUMNS ... | FOR ALL COLUMNS]``.

    ``partition`` holds ``exp.EQ`` (static) or ``Identifier`` (any value) items;
    ``columns`` the column identifiers, ``all_columns`` FOR ALL COLUMNS, ``wrapped``
    whether the column list was written in parentheses.
    """

    arg_types = {"this": True, "partition": False, "columns": False, "all_columns": False, "wrapped": False}


class StopJob(exp.Expression):
    """``STOP JOB 'job-id' [WITH SAVEPOINT] [WITH DRAIN]`` (sql-client and SQL gateway)."""

    arg_types = {"this": True, "savepoint": False, "drain": False}


class Distribution(exp.Expression):
    """``BY [HASH | RANGE] (cols) [INTO n BUCKETS]`` or ``INTO n BUCKETS`` after DISTRIBUTED / DISTRIBUTION.

    ``kind`` is ``HASH``, ``RANGE`` or None (Flink's connector decides); ``buckets`` a number literal.
    """

    arg_types = {"kind": False, "expressions": False, "buckets": False}


class Freshness(exp.Expression):
    """``FRESHNESS = INTERVAL ...`` of a materialized table (``this`` is the exp.Interval)."""

    arg_types = {"this": True}


class RefreshMode(exp.Expression):
    """``REFRESH_MODE = CONTINUOUS | FULL`` of a materialized table (``this`` is a Var)."""

    arg_types = {"this": True}


class AlterDistribution(exp.Expression):
    """``ADD | MODIFY DISTRIBUTION <distribution>`` / ``DROP DISTRIBUTION``; ``this`` is None inside an ADD list."""

    arg_types = {"this": False, "expression": False}


class PartitionSpec(exp.Expression):
    """``PARTITION (k = v, ...) [WITH (...)]`` of ALTER TABLE ADD / DROP PARTITION."""

    arg_types = {"expressions": True, "properties": False}


class AlterPartitions(exp.Expression):
    """``ADD [IF NOT EXISTS] PARTITION ... PARTITION ...`` or ``DROP [IF EXISTS] PARTITION ..., PARTITION ...``."""

    arg_types = {"this": True, "exists": False, "expressions": True}


class AlterMaterialized(exp.Expression):
    """``SUSPEND``, ``RESUME [WITH (...)]`` or ``REFRESH [PARTITION (...)]`` of ALTER MATERIALIZED TABLE."""

    arg_types = {"this": True, "properties": False, "partition": False}


class CompilePlan(exp.Expression):
    """``COMPILE [AND EXECUTE] PLAN 'file' [IF NOT EXISTS] FOR <INSERT | STATEMENT SET>`` (``execute`` for AND EXECUTE)."""

    arg_types = {"this": True, "exists": False, "expression": True, "execute": False}


class ExecutePlan(exp.Expression):
    """``EXECUTE PLAN 'file'``: run a compiled plan."""

    arg_types = {"this": True}



class QueryConstructor(exp.Expression):
    """``MAP(SELECT k, v ...)`` or ``MULTISET(SELECT ...)``: a collection built from a query (``this`` names it)."""

    arg_types = {"this": True, "expression": True}


class MultisetConstructor(exp.Expression):
    """``MULTISET[a, b, ...]``."""

    arg_types = {"expressions": True}


class Transcode(exp.Expression):
    """``CONVERT(x USING charset)`` / ``TRANSLATE(x USING charset)`` (``this`` names the function)."""

    arg_types = {"this": True, "expression": True, "using": True}


class Extend(exp.Expression):
    """``t EXTEND (c TYPE, ...)``: columns added to a table for one query (Calcite's extended columns).

    Kept in ``exp.Table.args['extend']``.
    """

    arg_types = {"expressions": True}


class Upsert(exp.Insert):
    """``UPSERT INTO t ...`` (Calcite's spelling; an INSERT everywhere else in the compiler)."""


class SetOption(exp.Expression):
    """``ALTER SYSTEM | SESSION SET name = value`` or ``RESET name | ALL``; ``expression`` is None for ALL."""

    arg_types = {"this": True, "expression": False, "value": False, "reset": False}


class ExplicitTable(exp.Select):
    """``TABLE t``: the whole table as a query (``SELECT * FROM t``, which is how the compiler reads it)."""
