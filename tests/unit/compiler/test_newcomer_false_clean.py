"""What a newcomer's project met in Flink after a clean validate: now refused here, the cause first, at its line.

Each case is one fault; the whole list of errors for the file is asserted, so
a knock-on message (a column count, an unknown option, a missing watermark)
would show up as a failure.
"""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler import compile_project

SOURCE = """CREATE TABLE nf_events (
    event_id STRING,
    user_id BIGINT,
    amount DOUBLE,
    f1 FLOAT,
    f2 FLOAT,
    f3 FLOAT,
    f4 FLOAT,
    ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = 'events',
    'properties.bootstrap.servers' = 'localhost:9092',
    'scan.startup.mode' = 'earliest-offset',
    'format' = 'json'
);

CREATE TABLE nf_sink (user_id BIGINT, w TIMESTAMP(3), n BIGINT) WITH (
    'connector' = 'kafka',
    'topic' = 'out', 'sink.delivery-guarantee' = 'exactly-once',
    'properties.bootstrap.servers' = 'localhost:9092',
    'format' = 'json'
);
"""


def _errors(project: Path, sql: str) -> list[str]:
    (project / "sql" / "nf_job.sql").write_text(sql)
    compiled = compile_project(project)
    return [f"{d.location.file}:{d.location.line}:{d.location.column}: {d.rule}: {d.message}"
            for d in compiled.diagnostics if d.severity == "error"]


def test_udf_without_create_function(project: Path) -> None:
    (project / "udfs" / "nf_money.py").write_text(
        "from sqlflow.udf import udf\n\n\n@udf(['DOUBLE'], 'DOUBLE')\ndef to_eur(x):\n    return x * 0.9\n")
    sql = SOURCE + """
INSERT INTO nf_sink
SELECT user_id, ts, CAST(to_eur(amount) AS BIGINT) FROM nf_events;
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:27:26: unknown-function: function 'to_eur' is not declared: udfs/nf_money.py:4 defines it,"
        " but no CREATE FUNCTION registers it with Flink"]
    declared = SOURCE + "\nCREATE TEMPORARY FUNCTION to_eur AS 'udfs.nf_money.to_eur' LANGUAGE PYTHON;\n" + sql[len(SOURCE):]
    assert _errors(project, declared) == []


def test_watermark_on_a_column_that_is_no_time(project: Path) -> None:
    sql = SOURCE.replace("ts TIMESTAMP(3),", "ts BIGINT,") + """
INSERT INTO nf_sink
SELECT user_id, window_start, COUNT(*)
FROM TABLE(TUMBLE(TABLE nf_events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY user_id, window_start, window_end;
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:10:19: watermark-type: WATERMARK FOR 'ts', which is BIGINT: Flink takes a watermark only on"
        " TIMESTAMP(p) or TIMESTAMP_LTZ(p) with p up to 3"]


def test_onnx_udf_declared_with_inputs_its_model_cannot_take(project: Path) -> None:
    (project / "udfs" / "nf_model.py").write_text(
        "from sqlflow.udf import onnx_udf\n\n"
        "nf_score = onnx_udf('nf_score', model='models/ctr.onnx', inputs=['STRING'] * 4,\n"
        "                    result='FLOAT', output='probability')\n")
    sql = SOURCE + """
CREATE TEMPORARY FUNCTION nf_score AS 'udfs.nf_model.nf_score' LANGUAGE PYTHON;

INSERT INTO nf_sink
SELECT user_id, ts, CAST(nf_score(f1, f2, f3, f4) * 100 AS BIGINT) FROM nf_events;
"""
    assert _errors(project, sql) == [
        "udfs/nf_model.py:3:1: model-signature: nf_score() declares inputs 1 (STRING), 2 (STRING), 3 (STRING),"
        " 4 (STRING), but model 'models/ctr.onnx' takes float32 numbers"]
    compiled = compile_project(project)
    [err] = [d for d in compiled.diagnostics if d.rule == "model-signature"]
    assert err.hint == "declare its inputs as FLOAT (or any number type: the runtime casts them to float32)"


def test_missing_comma_after_a_select_item(project: Path) -> None:
    sql = SOURCE + """
INSERT INTO nf_sink
SELECT
    user_id
    window_start,
    COUNT(*)
FROM TABLE(TUMBLE(TABLE nf_events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY user_id, window_start, window_end;
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:28:5: insert-column-count: missing ',' after 'user_id': 'window_start' reads as its alias,"
        " so the query returns 2 columns for 3"]


def test_missing_comma_before_a_call(project: Path) -> None:
    sql = SOURCE + """
INSERT INTO nf_sink
SELECT user_id, window_start COUNT(*)
FROM TABLE(TUMBLE(TABLE nf_events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY user_id, window_start, window_end;
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:27:17: syntax: missing ',' after 'window_start': a new column starts with 'COUNT'"]


def test_missing_format_is_the_one_error(project: Path) -> None:
    sql = SOURCE.replace("'format' = 'json'\n);\n\nCREATE TABLE nf_sink", "'json.ignore-parse-errors' = 'true'\n);\n\n"
                                                                           "CREATE TABLE nf_sink")
    assert _errors(project, sql) == [
        "sql/nf_job.sql:12:5: missing-option: connector 'kafka' needs option 'format' or 'value.format'"]


def test_misspelt_format_is_reported_at_its_line(project: Path) -> None:
    sql = SOURCE.replace("'format' = 'json'\n);\n\nCREATE TABLE nf_sink", "'fromat' = 'json'\n);\n\nCREATE TABLE nf_sink")
    assert _errors(project, sql) == [
        "sql/nf_job.sql:16:5: missing-option: connector 'kafka' needs option 'format' or 'value.format'"]
    compiled = compile_project(project)
    [err] = [d for d in compiled.diagnostics if d.severity == "error"]
    assert err.hint == "'fromat' is not an option: did you mean 'format'?"


def test_window_end_not_grouped_is_one_message(project: Path) -> None:
    sql = SOURCE + """
INSERT INTO nf_sink
SELECT user_id, window_end, COUNT(*)
FROM TABLE(TUMBLE(TABLE nf_events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY user_id, window_start;
"""
    (project / "sql" / "nf_job.sql").write_text(sql)
    compiled = compile_project(project)
    assert [f"{d.location.line}: {d.rule}" for d in compiled.diagnostics if d.location.file == "sql/nf_job.sql"] == [
        "27: grouping"]


def test_missing_comma_before_a_literal(project: Path) -> None:
    # the agreement bench's mutant: the error was "unexpected token" on the next line
    sql = SOURCE + """
INSERT INTO nf_sink
SELECT
    user_id
    'x',
    ts
FROM nf_events;
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:28:5: syntax: missing ',' after 'user_id': a new column starts with 'x'"]


def test_arithmetic_on_a_string(project: Path) -> None:
    # Flink: "Cannot apply '-' to arguments of type '<BIGINT> - <VARCHAR(2147483647)>'"
    sql = SOURCE + """
INSERT INTO nf_sink
SELECT user_id - event_id, ts, CAST(1 AS BIGINT) FROM nf_events;
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:27:8: string-arithmetic: BIGINT - STRING: Flink does not convert between them implicitly"]


def test_union_branches_that_no_longer_agree(project: Path) -> None:
    sql = SOURCE + """
INSERT INTO nf_sink
SELECT user_id, ts, CAST(1 AS BIGINT) FROM nf_events
UNION ALL
SELECT event_id, ts, CAST(2 AS BIGINT) FROM nf_events;
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:29:8: set-operation: column 1 of UNION ALL is BIGINT in the first branch and STRING in the"
        " second"]


def test_case_comparing_a_number_with_strings(project: Path) -> None:
    sql = SOURCE + """
INSERT INTO nf_sink
SELECT user_id, ts, CASE user_id WHEN '1' THEN 1 ELSE 2 END FROM nf_events;
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:27:26: mixed-equality: comparing STRING with BIGINT: Flink does not convert between them"
        " implicitly"]


def test_in_a_subquery_of_the_other_type(project: Path) -> None:
    # Flink: "implicit type conversion between VARCHAR and BIGINT is not supported" (x IN (SELECT y) is x = y);
    # an IN list of the other type Flink accepts, and so does validate
    sql = SOURCE + """
INSERT INTO nf_sink
SELECT user_id, ts, CAST(1 AS BIGINT) FROM nf_events
WHERE event_id NOT IN (SELECT user_id FROM nf_events) AND user_id IN ('1', '2');
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:28:7: mixed-equality: comparing STRING with BIGINT in IN (SELECT ...): Flink does not "
        "convert between them implicitly"]


def test_json_value_is_a_string_for_the_sink(project: Path) -> None:
    sql = SOURCE + """
INSERT INTO nf_sink
SELECT JSON_VALUE(event_id, '$.user'), ts, JSON_VALUE(event_id, '$.n' RETURNING BIGINT) FROM nf_events;
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:27:8: insert-column-type: column 1 (JSON_VALUE(event_id, '$.user')) is STRING, but sink"
        " column 'user_id' of 'nf_sink' is BIGINT"]


def test_lost_comma_in_a_view_is_named_where_it_is(project: Path) -> None:
    sql = SOURCE + """
CREATE TEMPORARY VIEW nf_v AS
SELECT
    user_id
    amount,
    ts
FROM nf_events;

CREATE TEMPORARY VIEW nf_w AS SELECT * FROM nf_v;

INSERT INTO nf_sink
SELECT user_id, ts, CAST(amount AS BIGINT) FROM nf_w;
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:28:5: unknown-column: missing ',' after 'user_id': 'amount' reads as its alias, so later"
        " 'user_id' is unknown"]


def test_an_unknown_table_or_table_function_is_the_one_error(project: Path) -> None:
    sql = SOURCE + """
INSERT INTO nf_sink
SELECT e.user_id, e.ts, COUNT(*)
FROM nf_events AS e
JOIN nf_userz AS u ON e.user_id = u.user_id
GROUP BY e.user_id, e.ts, u.country;

INSERT INTO nf_sink
SELECT user_id, window_start, COUNT(*)
FROM TABLE(TUMBL(TABLE nf_events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY user_id, window_start, window_end;
"""
    assert _errors(project, sql) == [
        "sql/nf_job.sql:29:6: unknown-table: unknown table 'nf_userz'",
        "sql/nf_job.sql:34:12: unknown-function: unknown table function 'TUMBL'"]
