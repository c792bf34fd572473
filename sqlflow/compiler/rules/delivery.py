"""Delivery checks: what a streaming job's Kafka sinks promise after a failure.

delivery-guarantee (warning): a streaming job writes a Kafka sink that sets no
'sink.delivery-guarantee' (the connector's default, at-least-once, writes the
records since the last checkpoint again after every restart) or sets 'none'.
exactly-once-checkpointing (warning): an exactly-once sink in a streaming job
whose checkpointing is turned off: its transactions commit only when the input
ends, so an unbounded job's output never becomes visible to read_committed
readers. duplicate-transactional-id (error): two sinks given the same
'sink.transactional-id-prefix': their transactions fence each other and the
jobs fail in turn.
"""

from __future__ import annotations

from typing import Iterable

from sqlglot import exp

from sqlflow import defaults
from sqlflow.compiler.analysis import Project, StatementInfo
from sqlflow.compiler.catalog import TableDef, literal_text
from sqlflow.compiler.delivery import GUARANTEE, PREFIX, guarantee, is_exactly_once, is_kafka_sink
from sqlflow.compiler.project import SourceFile
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import Location, ValidationError

_EXACTLY_ONCE = f"'{GUARANTEE}' = 'exactly-once'"


def _sinks(project: Project) -> Iterable[tuple[StatementInfo, TableDef]]:
    """Each Kafka table a streaming job writes, once per job, with the job's first INSERT into it."""
    seen: set[tuple[str, str]] = set()
    for s in project.statements:
        if s.kind != "insert" or s.sink is None or not is_kafka_sink(s.sink.options) or project.is_batch(s.file):
            continue
        key = (s.file.rel, s.sink.name)
        if key not in seen:
            seen.add(key)
            yield s, s.sink


def _defined_at(t: TableDef) -> str:
    return f"{t.file}:{t.location.line}" if t.location and t.location.line else t.file


class DeliveryGuarantee(Rule):
    id = "delivery-guarantee"
    severity = "warning"
    description = "streaming jobs write Kafka with a delivery guarantee that survives a restart"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s, t in _sinks(project):
            value = guarantee(t.options)
            where = s.sink_location or s.location
            fix = (f"set {_EXACTLY_ONCE} in the WITH clause of '{t.name}' ({_defined_at(t)}): sqlflow "
                   "supplies the transactional id; readers of the topic set 'properties.isolation.level' = "
                   "'read_committed'")
            if GUARANTEE not in t.options:
                yield self.diag(f"Kafka sink '{t.name}' sets no delivery guarantee: the default, at-least-once, "
                                "writes records again after a restart", where, fix)
            elif value == "none":
                yield self.diag(f"Kafka sink '{t.name}' has delivery guarantee 'none': records are lost or written "
                                "twice when the job restarts", where, fix)


def _job_settings(project: Project, file: SourceFile) -> tuple[dict[str, str], dict[str, Location]]:
    """The Flink settings a job runs with (sqlflow.yaml's flink:, shared files' SETs, the job's own),
    and where the SET that gave each one is."""
    conf = {str(k): str(v) for k, v in project.config.flink.items()}
    where: dict[str, Location] = {}
    for s in project.statements:
        if s.kind != "set" or (s.file is not file and project.is_job(s.file)):
            continue
        for item in s.node.expressions:
            eq = item.this
            if isinstance(eq, exp.EQ):
                conf[literal_text(eq.this)] = literal_text(eq.expression)
                where[literal_text(eq.this)] = s.location
    return conf, where


class ExactlyOnceCheckpointing(Rule):
    id = "exactly-once-checkpointing"
    severity = "warning"
    description = "exactly-once Kafka sinks run in jobs that checkpoint"

    def check(self, project: Project) -> Iterable[ValidationError]:
        key = defaults.CHECKPOINT_INTERVAL
        default = defaults.STREAMING[key]
        for s, t in _sinks(project):
            if not is_exactly_once(t.options):
                continue
            conf, where = _job_settings(project, s.file)
            if not defaults.checkpointing_off(conf):
                continue
            off_at = where.get(key)
            said = (f"SET '{key}' = '{conf[key]}' ({off_at.file}:{off_at.line})" if off_at is not None
                    else f"'{key}: {conf[key]}' from flink: in sqlflow.yaml")
            yield self.diag(f"exactly-once sink '{t.name}' in a job without checkpoints: its transactions commit only "
                            "when the input ends, so read_committed readers of an unbounded job never see its output",
                            s.sink_location or s.location,
                            f"drop {said}: sqlflow checkpoints streaming jobs every {default} unless told otherwise")


class DuplicateTransactionalId(Rule):
    id = "duplicate-transactional-id"
    description = "every exactly-once Kafka sink has its own transactional id prefix"

    def check(self, project: Project) -> Iterable[ValidationError]:
        first: dict[str, tuple[StatementInfo, TableDef]] = {}
        reported: set[tuple[str, str]] = set()
        for s in project.statements:
            t = s.sink
            if s.kind != "insert" or t is None or not is_exactly_once(t.options) or PREFIX not in t.options:
                continue
            prefix = t.options[PREFIX]
            if prefix not in first:
                first[prefix] = (s, t)
                continue
            other_s, other_t = first[prefix]
            if other_t is t and other_s.file is s.file:
                yield self.diag(f"a second INSERT into '{t.name}', whose transactional id prefix '{prefix}' is "
                                "written in its WITH clause: Flink runs a sink per INSERT unless it can merge them, "
                                "and two sinks with one prefix fence each other's transactions",
                                s.sink_location or s.location,
                                f"remove '{PREFIX}' (sqlflow then gives each INSERT's sink its own), or write "
                                "the rows with one INSERT and UNION ALL")
                continue
            if (s.file.rel, t.name) in reported:
                continue
            reported.add((s.file.rel, t.name))
            if other_t is t:  # one table definition, shared by two jobs
                message = (f"this job writes '{t.name}' with the transactional id prefix '{prefix}', as job "
                           f"{other_s.file.rel} does: the two jobs fence each other's transactions and fail in turn")
                where = s.sink_location or s.location
            else:
                other = f"'{other_t.name}'" + ("" if other_s.file is s.file else f" (job {other_s.file.rel})")
                message = (f"sink '{t.name}' has the transactional id prefix '{prefix}' of sink {other}: the two "
                           "fence each other's transactions and fail in turn")
                where = t.option_locations.get(PREFIX, t.location)
            yield self.diag(message, where, f"remove '{PREFIX}' from both (sqlflow gives each sink of each job "
                                            "its own), or make them differ")
