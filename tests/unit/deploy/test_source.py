from __future__ import annotations

import pytest

from sqlflow.deploy.source import read_file, split_statements
from sqlflow.errors import DeployError


def test_split_respects_quotes_comments_and_positions():
    text = "-- head; not a split\nSET 'a' = 'x;y';\n\n  /* c; */ INSERT INTO t SELECT ';' FROM s;\nCREATE TABLE `a;b` (x INT)"
    assert split_statements(text) == [
        ("SET 'a' = 'x;y'", 2, 1),
        ("INSERT INTO t SELECT ';' FROM s", 4, 12),
        ("CREATE TABLE `a;b` (x INT)", 5, 1),
    ]


def test_doubled_quote_does_not_end_a_string():
    assert split_statements("SELECT 'it''s; fine'; SET 'k' = 'v'") == [
        ("SELECT 'it''s; fine'", 1, 1), ("SET 'k' = 'v'", 1, 23)]


def test_statement_set_is_unwrapped(tmp_path):
    f = tmp_path / "job.sql"
    f.write_text("EXECUTE STATEMENT SET\nBEGIN\nINSERT INTO a SELECT 1;\nINSERT INTO b SELECT 2;\nEND;\n")
    src = read_file(f, "job.sql")
    assert [(s.kind, s.sql, s.location.line) for s in src.statements] == [
        ("insert", "INSERT INTO a SELECT 1", 1), ("insert", "INSERT INTO b SELECT 2", 4)]
    assert src.is_job


def test_select_in_a_job_file_is_a_located_error(tmp_path):
    f = tmp_path / "bad.sql"
    f.write_text("CREATE TABLE t (x INT) WITH ('connector' = 'datagen');\nEXPLAIN SELECT 1;\n")
    with pytest.raises(DeployError) as err:
        read_file(f, "bad.sql")
    assert (err.value.rule, err.value.location.line, err.value.location.column) == ("unsupported-statement", 2, 1)
    assert err.value.message == "a job file cannot run a EXPLAIN statement"


def test_unterminated_string_is_located():
    with pytest.raises(DeployError) as err:
        split_statements("SET 'a' = 'b;\n", "f.sql")
    assert (str(err.value.location), err.value.message) == ("f.sql:1:11", "unterminated quoted text")


def test_python_function_and_model_files(tmp_path):
    f = tmp_path / "s.sql"
    f.write_text("CREATE TEMPORARY FUNCTION ctr AS 'udfs.scoring.ctr' LANGUAGE PYTHON;\n"
                 "CREATE TABLE m (x INT) WITH ('connector' = 'datagen', 'model' = 'models/ctr.onnx');\n")
    stmts = read_file(f, "s.sql").statements
    assert [s.python_function for s in stmts] == ["udfs.scoring.ctr", None]
    assert [s.model_files for s in stmts] == [[], ["models/ctr.onnx"]]
