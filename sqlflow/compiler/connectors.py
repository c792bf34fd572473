"""What the connectors sqlflow supports accept in ``WITH (...)``.

Option keys follow Flink's connector reference pages (Kafka, Upsert Kafka,
FileSystem, DataGen, Print, BlackHole, JDBC) and the factories' required and
optional option sets. A key may also start with a free prefix
(``properties.*`` is handed to the Kafka client) or with the name of a format
in use (``json.ignore-parse-errors``, ``value.csv.field-delimiter``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ConnectorSpec:
    """One connector: required option groups (any one key of a group will do),
    optional keys, free prefixes, and whether a sink takes updates."""

    name: str
    required: tuple[tuple[str, ...], ...]
    optional: frozenset[str]
    prefixes: tuple[str, ...] = ()
    updates: str = "no"  # "no" | "yes" | "with-primary-key" | "source-only"
    needs_primary_key: bool = False
    formats: bool = True  # takes format / key.format / value.format

    def known(self, key: str, formats: set[str]) -> bool:
        """Whether ``key`` is an option this connector (or a format in use) reads."""
        if key in self.optional or any(key in g for g in self.required) or key == "connector":
            return True
        if any(key.startswith(p) for p in self.prefixes):
            return True
        for f in formats:
            for scope in ("", "key.", "value."):
                if key.startswith(f"{scope}{f}."):
                    return True
        return False

    def all_keys(self) -> list[str]:
        keys = {"connector", *self.optional}
        for group in self.required:
            keys.update(group)
        return sorted(keys)


_KAFKA_COMMON = {
    "topic", "topic-pattern", "properties.bootstrap.servers", "properties.group.id",
    "format", "key.format", "key.fields", "key.fields-prefix", "value.format",
    "value.fields-include", "scan.startup.mode", "scan.startup.specific-offsets",
    "scan.startup.timestamp-millis", "scan.bounded.mode", "scan.bounded.specific-offsets",
    "scan.bounded.timestamp-millis", "scan.topic-partition-discovery.interval",
    "scan.parallelism", "scan.watermark.idle-timeout", "scan.watermark.emit.strategy",
    "scan.watermark.alignment.group", "scan.watermark.alignment.max-drift",
    "scan.watermark.alignment.update-interval", "sink.partitioner", "sink.semantic",
    "sink.delivery-guarantee", "sink.transactional-id-prefix", "sink.transaction-naming-strategy",
    "sink.parallelism",
    "sink.buffer-flush.max-rows", "sink.buffer-flush.interval", "value.fields-prefix",
}

_FILESYSTEM = {
    "path", "format", "partition.default-name", "sink.rolling-policy.file-size",
    "sink.rolling-policy.rollover-interval", "sink.rolling-policy.check-interval",
    "sink.rolling-policy.inactivity-interval", "auto-compaction", "compaction.file-size",
    "compaction.parallelism", "sink.partition-commit.trigger", "sink.partition-commit.delay",
    "sink.partition-commit.watermark-time-zone", "sink.partition-commit.policy.kind",
    "sink.partition-commit.policy.class", "sink.partition-commit.policy.class.parameters",
    "sink.partition-commit.success-file.name", "partition.time-extractor.kind",
    "partition.time-extractor.class", "partition.time-extractor.timestamp-pattern",
    "partition.time-extractor.timestamp-formatter", "source.monitor-interval",
    "source.path.regex-pattern", "source.report-statistics", "sink.parallelism",
    "sink.shuffle-by-partition.enable", "source.file-enumeration.size",
}

_DATAGEN = {"rows-per-second", "number-of-rows", "scan.parallelism"}

_JDBC = {
    "url", "table-name", "driver", "username", "password", "connection.max-retry-timeout",
    "scan.partition.column", "scan.partition.num", "scan.partition.lower-bound",
    "scan.partition.upper-bound", "scan.fetch-size", "scan.auto-commit", "lookup.cache",
    "lookup.partial-cache.max-rows", "lookup.partial-cache.expire-after-write",
    "lookup.partial-cache.expire-after-access", "lookup.partial-cache.cache-missing-key",
    "lookup.cache.max-rows", "lookup.cache.ttl", "lookup.cache.caching-missing-key",
    "lookup.max-retries", "sink.buffer-flush.max-rows", "sink.buffer-flush.interval",
    "sink.max-retries", "sink.parallelism", "filter.handling.policy",
}

CONNECTORS: dict[str, ConnectorSpec] = {
    "kafka": ConnectorSpec(
        "kafka",
        required=(("topic", "topic-pattern"), ("properties.bootstrap.servers",),
                  ("format", "value.format")),
        optional=frozenset(_KAFKA_COMMON), prefixes=("properties.",), updates="no"),
    "upsert-kafka": ConnectorSpec(
        "upsert-kafka",
        required=(("topic",), ("properties.bootstrap.servers",), ("key.format",), ("value.format",)),
        optional=frozenset(_KAFKA_COMMON - {"format", "topic-pattern"}),
        prefixes=("properties.",), updates="yes", needs_primary_key=True),
    "filesystem": ConnectorSpec(
        "filesystem", required=(("path",), ("format",)), optional=frozenset(_FILESYSTEM),
        updates="no"),
    "datagen": ConnectorSpec(
        "datagen", required=(), optional=frozenset(_DATAGEN), prefixes=("fields.",),
        updates="source-only", formats=False),
    "print": ConnectorSpec(
        "print", required=(),
        optional=frozenset({"print-identifier", "standard-error", "sink.parallelism"}),
        updates="yes", formats=False),
    "blackhole": ConnectorSpec(
        "blackhole", required=(), optional=frozenset(), updates="yes", formats=False),
    "jdbc": ConnectorSpec(
        "jdbc", required=(("url",), ("table-name",)), optional=frozenset(_JDBC),
        updates="with-primary-key", formats=False),
}

#: Formats Flink ships or the Kafka connector jar brings; CDC formats produce updates.
FORMATS = frozenset({"json", "csv", "raw", "avro", "avro-confluent", "parquet", "orc",
                     "debezium-json", "debezium-avro-confluent", "canal-json",
                     "maxwell-json", "ogg-json", "protobuf"})
CHANGELOG_FORMATS = frozenset({"debezium-json", "debezium-avro-confluent", "canal-json",
                               "maxwell-json", "ogg-json"})

_DATAGEN_FIELD = re.compile(r"^fields\.([^.]+)\.(kind|min|max|max-past|length|var-len|start|end|null-rate)$")


def formats_in(options: dict[str, str]) -> set[str]:
    """The format names an options dict selects."""
    return {options[k] for k in ("format", "key.format", "value.format") if k in options}


def datagen_field(key: str) -> tuple[str, str] | None:
    """``fields.<column>.<option>`` split into column and option, or None."""
    m = _DATAGEN_FIELD.match(key)
    return (m.group(1), m.group(2)) if m else None


def produces_updates(options: dict[str, str]) -> bool:
    """Whether a source table with these options emits updates, not only inserts."""
    return options.get("connector") == "upsert-kafka" or bool(
        formats_in(options) & CHANGELOG_FORMATS)


def accepts_updates(options: dict[str, str], has_primary_key: bool) -> bool:
    """Whether a sink table with these options can consume an updating query."""
    if options.get("connector") in ("kafka", "filesystem") and formats_in(options) & CHANGELOG_FORMATS:
        return True
    spec = CONNECTORS.get(options.get("connector", ""))
    if spec is None:
        return True  # unknown connectors are reported by their own rule
    if spec.updates == "with-primary-key":
        return has_primary_key
    return spec.updates == "yes"
