"""What a Kafka sink needs to write exactly-once, supplied by the platform where the SQL leaves it out.

Flink's Kafka sink with ``'sink.delivery-guarantee' = 'exactly-once'`` writes
inside Kafka transactions, committed at each checkpoint, and refuses to start
without ``'sink.transactional-id-prefix'``. The prefix must be unique to one
sink of one job (two sinks sharing it fence each other's transactions), and
sqlflow makes it unique to the job's version as well: ``<job>-<version[:12]>-<table>``.
Only the platform knows the job name and version, so it adds the prefix to the
sink's CREATE TABLE when the SQL does not set one; one set in the SQL is kept.
On a restart from a savepoint of an earlier version, the sink aborts the
earlier prefix's unfinished transactions too (it reads that prefix from the state).

It also sets, unless the SQL does, the Kafka producer's ``transaction.timeout.ms``
to 15 minutes (Flink's default, 1 hour, is more than a Kafka broker accepts by
default, and the job would fail to start) and the POOLING transaction naming
strategy (see :data:`SUPPLIED`).

These functions are pure: a tree in, a tree out.
"""

from __future__ import annotations

import re
from typing import Mapping

from sqlglot import exp

from sqlflow.compiler.catalog import table_name, with_options
from sqlflow.dialect import parse_script
from sqlflow.errors import SqlflowError

KAFKA_SINKS = ("kafka", "upsert-kafka")
GUARANTEE = "sink.delivery-guarantee"
PREFIX = "sink.transactional-id-prefix"
TIMEOUT = "properties.transaction.timeout.ms"
NAMING = "sink.transaction-naming-strategy"
#: What sqlflow sets on an exactly-once sink that does not set it itself (after the prefix):
#: Kafka brokers refuse a producer transaction timeout above their transaction.max.timeout.ms,
#: 15 minutes by default, and Flink asks for 1 hour; and POOLING reuses a few transactional ids
#: where Flink's default (INCREMENTING) takes a new one at every checkpoint, which a broker keeps
#: for 7 days (300,000 of them a week per sink subtask at one checkpoint every 2 s). POOLING needs
#: Kafka 3.0 or later, and after a failure it finds the transactions to abort by listing them
#: instead of probing id after id.
SUPPLIED: tuple[tuple[str, str], ...] = ((TIMEOUT, "900000"), (NAMING, "POOLING"))

_HINT = re.compile(r"exactly[-_]once", re.I)


def guarantee(options: Mapping[str, str]) -> str:
    """The sink's delivery guarantee as Flink reads it: ``exactly-once``, ``at-least-once`` (the
    connector's default) or ``none``."""
    value = options.get(GUARANTEE, "at-least-once")
    return value.strip().lower()


def is_kafka_sink(options: Mapping[str, str]) -> bool:
    """Whether a table with these options is a Kafka (or upsert-kafka) table."""
    return options.get("connector", "").strip().lower() in KAFKA_SINKS


def is_exactly_once(options: Mapping[str, str]) -> bool:
    """A Kafka table that writes in transactions."""
    return is_kafka_sink(options) and guarantee(options) == "exactly-once"


def transactional_id_prefix(job: str, version: str, table: str) -> str:
    """The prefix sqlflow gives the transactions of ``table``'s sink in ``job`` at ``version``."""
    return f"{job}-{version[:12]}-{table}"


def _target(create: exp.Create) -> exp.Expression | None:
    node = create.this
    if isinstance(node, exp.Schema):
        node = node.this
    return node if isinstance(node, exp.Table) else None


def with_transactional_id(create: exp.Expression, job: str, version: str) -> exp.Expression:
    """``create`` with the transactional id prefix (and timeout) an exactly-once Kafka sink needs.

    Anything else (another connector, another guarantee, a prefix already
    set, not a CREATE TABLE) comes back as it is.

    >>> from sqlflow import dialect
    >>> tree = dialect.parse_script("CREATE TABLE t (a INT) WITH ('connector' = 'kafka', "
    ...                             "'sink.delivery-guarantee' = 'exactly-once')")[0].expression
    >>> dialect.with_options(with_transactional_id(tree, "shop.orders", "0123456789abcdef"))
    {'connector': 'kafka', 'sink.delivery-guarantee': 'exactly-once', \
'sink.transactional-id-prefix': 'shop.orders-0123456789ab-t', 'properties.transaction.timeout.ms': '900000', \
'sink.transaction-naming-strategy': 'POOLING'}
    """
    if not isinstance(create, exp.Create) or str(create.args.get("kind", "")).upper() != "TABLE":
        return create
    props = create.args.get("properties")
    pairs = with_options(props)
    options = {k: v for k, v, _ in pairs}
    target = _target(create)
    if target is None or not is_exactly_once(options) or PREFIX in options:
        return create
    out = create.copy()
    added = [(PREFIX, transactional_id_prefix(job, version, table_name(target)))]
    added += [(k, v) for k, v in SUPPLIED if k not in options]
    out_props = out.args["properties"]
    for key, value in added:
        out_props.append("expressions", exp.Property(this=exp.Literal.string(key), value=exp.Literal.string(value)))
    return out


def insert_with_transactional_id(insert: exp.Expression, job: str, version: str, ordinal: int) -> exp.Expression:
    """``insert`` with its own transactional id prefix for the sink it writes, as a table hint.

    Flink runs one sink per INSERT unless it can merge INSERTs into the same
    table (it cannot when their rows differ in type, a ``'click'`` beside an
    ``'impression'`` literal, say), and two sinks sharing a prefix fence each
    other. The first INSERT into a table uses the table's prefix; each further
    one (``ordinal`` 1, 2, ...) gets ``<table prefix>-<ordinal>`` through an
    ``OPTIONS`` hint. Call it only for a table that :func:`with_transactional_id`
    gave a prefix to.
    """
    if not isinstance(insert, exp.Insert) or ordinal < 1:
        return insert
    target = insert.this.this if isinstance(insert.this, exp.Schema) else insert.this
    if not isinstance(target, exp.Table):
        return insert
    out = insert.copy()
    table = out.this.this if isinstance(out.this, exp.Schema) else out.this
    prefix = f"{transactional_id_prefix(job, version, table_name(table))}-{ordinal}"
    option = exp.EQ(this=exp.Literal.string(PREFIX), expression=exp.Literal.string(prefix))
    table.append("hints", exp.Hint(expressions=[exp.Anonymous(this="OPTIONS", expressions=[option])]))
    return out


class TransactionalIds:
    """Supplies the transactional ids of one job's exactly-once Kafka sinks, statement by statement.

    Feed it the job's statements in the order Flink gets them (shared
    definitions first): a CREATE TABLE of such a sink gets the table's prefix
    (:func:`with_transactional_id`), and each INSERT into it after the first
    gets one of its own (:func:`insert_with_transactional_id`).
    """

    def __init__(self, job: str, version: str) -> None:
        self.job = job
        self.version = version
        self.supplied: set[str] = set()  # tables whose prefix sqlflow gave
        self.inserts: dict[str, int] = {}  # INSERTs seen per such table

    def tree(self, node: exp.Expression) -> exp.Expression:
        """One statement's tree, lowered (the same object when nothing changes)."""
        if isinstance(node, exp.Create):
            lowered = with_transactional_id(node, self.job, self.version)
            target = _target(node)
            if target is not None:
                self.supplied.discard(table_name(target))
                if lowered is not node:
                    self.supplied.add(table_name(target))
            return lowered
        if isinstance(node, exp.Insert):
            target = node.this.this if isinstance(node.this, exp.Schema) else node.this
            name = table_name(target) if isinstance(target, exp.Table) else ""
            if name not in self.supplied:
                return node
            ordinal = self.inserts.get(name, 0)
            self.inserts[name] = ordinal + 1
            return insert_with_transactional_id(node, self.job, self.version, ordinal)
        if type(node).__name__ == "StatementSet":
            inner = [self.tree(i) for i in node.expressions]
            if all(a is b for a, b in zip(inner, node.expressions)):
                return node
            out = node.copy()
            out.set("expressions", inner)
            return out
        return node

    def sql(self, sql: str) -> str:
        """One statement's text, lowered. Statements left alone come back verbatim (text, comments
        and layout kept); a changed one is written out again from its tree."""
        body = _strip_comments(sql)
        if re.match(r"\s*CREATE\b", body, re.I):
            if not _HINT.search(body):
                return sql
        elif not re.match(r"\s*(INSERT|EXECUTE|BEGIN)\b", body, re.I) or not any(
                re.search(rf"\b{re.escape(name)}\b", body) for name in self.supplied):
            return sql
        try:
            statements = parse_script(sql)
        except SqlflowError:  # validate reports it; Flink gets the statement as written
            return sql
        if len(statements) != 1:
            return sql
        tree = statements[0].expression
        lowered = self.tree(tree)
        return sql if lowered is tree else lowered.sql(dialect="flink")


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def lower_sql(sql: str, job: str, version: str) -> str:
    """One statement on its own, with :func:`with_transactional_id` applied when it changes anything."""
    return TransactionalIds(job, version).sql(sql)
