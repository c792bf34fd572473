"""The connector swap: exact rewritten DDL for sources and sinks of each connector."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlflow.sqltest.subject import read_job
from sqlflow.sqltest.swap import is_append_only_sink, is_changelog_source, sink_ddl, source_ddl

KAFKA = """CREATE TABLE clicks (
    user_id BIGINT,
    ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
    part INT METADATA FROM 'partition' VIRTUAL,
    topic STRING METADATA VIRTUAL,
    day AS CAST(ts AS DATE),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka', -- the topic
    'topic' = 'clicks',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'format' = 'json'
)"""

UPSERT = """CREATE TABLE totals (
    user_id BIGINT,
    total DECIMAL(12, 2),
    PRIMARY KEY (user_id) NOT ENFORCED
) COMMENT 'running totals' WITH ('connector' = 'upsert-kafka', 'topic' = 't',
    'key.format' = 'json', 'value.format' = 'json')"""

FILESYSTEM = """CREATE TABLE archive (
    `id` BIGINT,
    `path` STRING METADATA FROM 'file.path' VIRTUAL,
    dt STRING
) PARTITIONED BY (dt) WITH ('connector' = 'filesystem', 'path' = 's3://bucket/archive', 'format' = 'csv')"""

DATAGEN = """CREATE TABLE gen (x INT, y AS x * 2) WITH ('connector' = 'datagen', 'number-of-rows' = '10')"""


def _table(tmp_path: Path, sql: str):
    f = tmp_path / "job.sql"
    f.write_text(sql + ";\n")
    job = read_job(f)
    return next(iter(job.tables.values()))


def test_kafka_source_keeps_columns_watermark_and_reads_json(tmp_path):
    table = _table(tmp_path, KAFKA)
    assert source_ddl(KAFKA, table, Path("/in/clicks")) == """CREATE TABLE clicks (
    user_id BIGINT,
    ts TIMESTAMP_LTZ(3),
    part INT,
    topic STRING,
    day AS CAST(ts AS DATE),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'filesystem', 'path' = '/in/clicks', 'format' = 'json')"""


def test_kafka_sink_is_a_blackhole_with_the_same_written_columns(tmp_path):
    assert sink_ddl(KAFKA) == """CREATE TABLE clicks (
    user_id BIGINT,
    ts TIMESTAMP_LTZ(3),
    part AS CAST(NULL AS INT),
    topic AS CAST(NULL AS STRING),
    day AS CAST(ts AS DATE),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'blackhole')"""


def test_upsert_kafka_source_reads_changes_and_sink_keeps_key(tmp_path):
    table = _table(tmp_path, UPSERT)
    assert is_changelog_source(table) and not is_append_only_sink(table)
    assert source_ddl(UPSERT, table, Path("/in/t")) == """CREATE TABLE totals (
    user_id BIGINT,
    total DECIMAL(12, 2),
    PRIMARY KEY (user_id) NOT ENFORCED
) COMMENT 'running totals' WITH ('connector' = 'filesystem', 'path' = '/in/t', 'format' = 'debezium-json')"""
    assert sink_ddl(UPSERT) == """CREATE TABLE totals (
    user_id BIGINT,
    total DECIMAL(12, 2),
    PRIMARY KEY (user_id) NOT ENFORCED
) COMMENT 'running totals' WITH ('connector' = 'blackhole')"""


def test_filesystem_source_and_sink(tmp_path):
    table = _table(tmp_path, FILESYSTEM)
    assert is_append_only_sink(table) and not is_changelog_source(table)
    # the source keeps its own format: csv rows are written as csv
    assert source_ddl(FILESYSTEM, table, Path("/in/a")) == """CREATE TABLE archive (
    `id` BIGINT,
    `path` STRING,
    dt STRING
) PARTITIONED BY (dt) WITH ('connector' = 'filesystem', 'path' = '/in/a', 'format' = 'csv')"""
    assert sink_ddl(FILESYSTEM) == """CREATE TABLE archive (
    `id` BIGINT,
    `path` AS CAST(NULL AS STRING),
    dt STRING
) PARTITIONED BY (dt) WITH ('connector' = 'blackhole')"""


def test_sink_of_insert_overwrite_is_a_json_folder(tmp_path):
    assert sink_ddl(DATAGEN, Path("/out/gen")) == (
        "CREATE TABLE gen (x INT, y AS x * 2) WITH ('connector' = 'filesystem', 'path' = '/out/gen', "
        "'format' = 'json')")


def test_datagen_source_and_sink(tmp_path):
    table = _table(tmp_path, DATAGEN)
    assert source_ddl(DATAGEN, table, Path("/in/it's")) == (
        "CREATE TABLE gen (x INT, y AS x * 2) WITH ('connector' = 'filesystem', 'path' = '/in/it''s', "
        "'format' = 'json')")
    assert sink_ddl(DATAGEN) == "CREATE TABLE gen (x INT, y AS x * 2) WITH ('connector' = 'blackhole')"


@pytest.mark.parametrize("options, changelog", [
    ("'connector' = 'kafka', 'format' = 'debezium-json'", True),
    ("'connector' = 'kafka', 'value.format' = 'canal-json'", True),
    ("'connector' = 'kafka', 'format' = 'json'", False),
])
def test_changelog_formats(tmp_path, options, changelog):
    sql = f"CREATE TABLE t (a INT) WITH ({options})"
    table = _table(tmp_path, sql)
    assert is_changelog_source(table) is changelog
    assert is_append_only_sink(table) is not changelog


def test_open_source_watches_its_folder(tmp_path):
    table = _table(tmp_path, DATAGEN)
    assert source_ddl(DATAGEN, table, Path("/in/g"), bounded=False) == (
        "CREATE TABLE gen (x INT, y AS x * 2) WITH ('connector' = 'filesystem', 'path' = '/in/g', "
        "'format' = 'json', 'source.monitor-interval' = '1 h')")
