"""Spans of compiled SQL found with the dialect's tokenizer: WITH clauses, METADATA clauses, INSERT queries."""

from __future__ import annotations

import pytest

from sqlflow.sqltest.edit import insert_query, metadata_clauses, replace_with, with_clause


@pytest.mark.parametrize("sql, column_list, query", [
    ("INSERT OVERWRITE TABLE x PARTITION (dt = '1') (a, b) SELECT 1, 2", True, "SELECT 1, 2"),
    ("INSERT INTO cat.db.x (SELECT a FROM t)", False, "(SELECT a FROM t)"),
    ("INSERT INTO x /*+ OPTIONS('a' = 'b') */ (a) VALUES (1)", True, "VALUES (1)"),
    ("INSERT INTO `with` -- the sink\nWITH q AS (SELECT 1 AS a) SELECT a FROM q", False,
     "WITH q AS (SELECT 1 AS a) SELECT a FROM q"),
])
def test_insert_query(sql, column_list, query):
    start, end = insert_query(sql, column_list)
    assert sql[start:end] == query


def test_metadata_and_with_spans():
    sql = ("CREATE TABLE t (`metadata` STRING, ts TIMESTAMP_LTZ(3) METADATA, k BYTES METADATA FROM 'key' VIRTUAL,"
           " c AS UPPER('WITH (x)')) COMMENT 'WITH (y)' WITH ('a' = 'b')")
    assert [(m.column, sql[slice(*m.type_span)], sql[slice(*m.clause_span)], m.virtual)
            for m in metadata_clauses(sql)] == [
        ("ts", "TIMESTAMP_LTZ(3)", "METADATA", False), ("k", "BYTES", "METADATA FROM 'key' VIRTUAL", True)]
    assert sql[slice(*with_clause(sql))] == "WITH ('a' = 'b')"
    assert replace_with("CREATE TABLE t (a INT)", {"connector": "blackhole"}) == (
        "CREATE TABLE t (a INT) WITH ('connector' = 'blackhole')")
