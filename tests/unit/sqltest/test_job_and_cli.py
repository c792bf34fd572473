"""Job facts for statement sets, and the test command on files that fail before Flink starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sqlflow.cli.main import cli
from sqlflow.errors import SqlflowError
from sqlflow.sqltest import find_tests
from sqlflow.sqltest.subject import read_job

TABLES = """CREATE TABLE src (a INT) WITH ('connector' = 'datagen');
CREATE TABLE out1 (a INT) WITH ('connector' = 'blackhole');
CREATE TABLE out2 (a INT, b STRING) WITH ('connector' = 'blackhole');
"""


def test_statement_set_forms(tmp_path):
    f = tmp_path / "job.sql"
    f.write_text(TABLES + """
EXECUTE STATEMENT SET BEGIN
  INSERT INTO out1 SELECT a FROM src; -- first
  INSERT INTO out2 (b, a) SELECT 'x', a FROM src;
END;
BEGIN STATEMENT SET;
INSERT INTO out1 /*+ OPTIONS('sink.parallelism' = '1') */ SELECT a + 1 FROM src;
END;
EXECUTE INSERT INTO out1 VALUES (1);
""")
    job = read_job(f)
    assert [(i.target, i.columns, i.query, i.location.line) for i in job.inserts] == [
        ("out1", None, "SELECT a FROM src", 6),
        ("out2", ("b", "a"), "SELECT 'x', a FROM src", 7),
        ("out1", None, "SELECT a + 1 FROM src", 10),
        ("out1", None, "VALUES (1)", 12),
    ]
    assert [i.statement.kind for i in job.inserts] == ["insert"] * 4  # EXECUTE INSERT runs as an INSERT too
    assert sorted(job.reads) == ["src"]


def test_find_tests_skips_state_folders(tmp_path):
    (tmp_path / "sql" / "a").mkdir(parents=True)
    (tmp_path / ".sqlflow" / "pyfiles").mkdir(parents=True)
    for rel in ("sql/a/x.test.yaml", "sql/b.test.yml", "sql/c.yaml", ".sqlflow/pyfiles/d.test.yaml"):
        (tmp_path / rel).write_text("")
    assert [str(p.relative_to(tmp_path)) for p in find_tests([tmp_path])] == ["sql/a/x.test.yaml", "sql/b.test.yml"]
    (tmp_path / "sql" / "a" / "x.sql").write_text("")
    (tmp_path / "sql" / "y.sql").write_text("")
    assert find_tests([tmp_path / "sql" / "a" / "x.sql"]) == [tmp_path / "sql" / "a" / "x.test.yaml"]
    with pytest.raises(SqlflowError) as err:
        find_tests([tmp_path / "sql" / "y.sql"])
    assert str(err.value) == f"no test beside {tmp_path}/sql/y.sql (expected y.test.yaml)"


def test_command_reports_bad_tests_and_exits_1(tmp_path, monkeypatch):
    (tmp_path / "sqlflow.yaml").write_text("name: t\n")
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "job.sql").write_text(TABLES + "INSERT INTO out1 SELECT a FROM src;\n")
    (tmp_path / "sql" / "job.test.yaml").write_text("inputs: {sr: []}\nexpect: {out1: []}\n")
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(cli, ["test"])
    assert out.exit_code == 1
    assert out.output.splitlines() == [
        "FAIL job (sql/job.test.yaml)",
        "  sql/job.test.yaml:1:10: error[test-table]: inputs name table 'sr', which job.sql does not "
        "create",
        "     1 | inputs: {sr: []}",
        "       |          ^^",
        "    = help: did you mean 'src'?",
        "0 passed, 1 failed",
    ]
    hint = "a test is a <job>.test.yaml beside <job>.sql: see docs/testing.md, or sqlflow init DIR for an example"
    out = CliRunner().invoke(cli, ["test", "-k", "nothing"])
    assert (out.exit_code, out.output.splitlines()) == (
        0, ["no tests found (*.test.yaml) in sql whose name contains 'nothing'", hint])
    (tmp_path / "udfs").mkdir()
    out = CliRunner().invoke(cli, ["test", "udfs"])
    assert (out.exit_code, out.output.splitlines()) == (0, ["no tests found (*.test.yaml) in udfs", hint])


def test_a_table_written_and_read_back_is_refused(tmp_path):
    from sqlflow.sqltest.plan import plan_test
    from sqlflow.sqltest.spec import TestSpecError, load_test

    (tmp_path / "job.sql").write_text(TABLES + "INSERT INTO out1 SELECT a FROM src;\n"
                                      "INSERT INTO out2 SELECT a, 'b' FROM out1;\n")
    (tmp_path / "job.test.yaml").write_text("inputs: {src: []}\nexpect: {out2: []}\n")
    test = load_test(tmp_path / "job.test.yaml")
    with pytest.raises(TestSpecError) as err:
        plan_test(test, read_job(test.job))
    assert str(err.value) == (f"{tmp_path}/job.test.yaml:1:1: job.sql writes table 'out1' and reads it back "
                              f"(at {tmp_path}/job.sql:5:37); a test cannot replace such a table yet "
                              "(split the job in two files and test each)")


def test_batch_jobs_are_recognised(tmp_path):
    f = tmp_path / "job.sql"
    f.write_text(TABLES + "INSERT INTO out1 SELECT a FROM src;\n")
    assert read_job(f).batch is False
    f.write_text(TABLES + "INSERT OVERWRITE out1 SELECT a FROM src;\n")
    assert read_job(f).batch is True
    f.write_text("SET 'execution.runtime-mode' = 'batch';\n" + TABLES + "INSERT INTO out1 SELECT a FROM src;\n")
    assert read_job(f).batch is True


def test_a_test_file_that_does_not_load_is_named_like_the_others(tmp_path, monkeypatch):
    (tmp_path / "sqlflow.yaml").write_text("name: t\n")
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "job.sql").write_text(TABLES + "INSERT INTO out1 SELECT a FROM src;\n")
    (tmp_path / "sql" / "job.test.yaml").write_text("inputs: {src: []}\n")
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(cli, ["test"])
    assert out.exit_code == 1
    assert out.output.splitlines()[:2] == [
        "FAIL job (sql/job.test.yaml)",
        "  sql/job.test.yaml:1:1: error[test-file]: a test needs at least one table under 'expect'"]
