"""A syntax error costs only its own statement: the rest of the file is still checked.

Definitions made by the other statements of a broken file stay in the
catalog, and references to the one broken definition are not reported again.
"""

from __future__ import annotations

import doctest
from pathlib import Path

from sqlflow.compiler import compile_project
from sqlflow.compiler import project as project_module
from sqlflow.dialect import parse_script_partial

SOURCES = """CREATE TABLE nc_orders (
    order_id STRING,
    amount DOUBLE
) WITH ('connector' = 'datagen');

CREATE TABLE nc_users (
    user_id BIGINT,
    name STRING
) WITH ('connector' = 'datagen',, 'rows-per-second' = '1');

CREATE TABLE nc_sink (a STRING, c DOUBLE) WITH ('connector' = 'blackhole');
"""

JOB = """INSERT INTO nc_sink SELECT order_id, amount FROM nc_orders;
INSERT INTO nc_sink SELECT name, 1.0 FROM nc_users;
INSERT INTO nc_sink SELECT order_id, amont FROM nc_orders;
"""


def _rendered(project: Path) -> list[str]:
    compiled = compile_project(project)
    return [f"{d.location}: {d.rule}: {d.message}" for d in compiled.diagnostics
            if d.location is not None and d.location.file.startswith("sql/nc_")]


def test_one_bad_statement_does_not_drop_the_file(project: Path) -> None:
    (project / "sql" / "nc_sources.sql").write_text(SOURCES)
    (project / "sql" / "nc_job.sql").write_text(JOB)
    assert _rendered(project) == [
        "sql/nc_job.sql:3:38: unknown-column: unknown column 'amont'",
        "sql/nc_sources.sql:9:33: syntax: expected a quoted option key, e.g. 'connector'",
    ]


def test_broken_view_is_not_reported_as_unknown(project: Path) -> None:
    (project / "sql" / "nc_job.sql").write_text(
        "CREATE TEMPORARY VIEW nc_v AS SELECT order_id FROM (;\n"
        "CREATE TABLE nc_sink (a STRING) WITH ('connector' = 'blackhole');\n"
        "INSERT INTO nc_sink SELECT order_id FROM nc_v;\n")
    got = _rendered(project)
    assert len(got) == 1 and got[0].startswith("sql/nc_job.sql:1:") and ": syntax: " in got[0]


def test_missing_semicolon_is_named_and_both_statements_kept() -> None:
    text = ("CREATE TABLE t (a STRING) WITH ('connector' = 'datagen')\n"
            "CREATE TABLE s (a STRING) WITH ('connector' = 'print');\n"
            "INSERT INTO s SELECT a FROM t;\n")
    parsed = parse_script_partial(text, "job.sql")
    assert [type(s.expression).__name__ for s in parsed.statements] == ["Create", "Create", "Insert"]
    [err] = parsed.errors
    assert (err.location.line, err.location.column) == (1, 56)
    assert err.message == "missing ';' at the end of this statement"
    assert err.hint == "end it with ';': the next statement starts at line 2 (CREATE)"


def test_missing_semicolon_in_the_project(project: Path) -> None:
    (project / "sql" / "nc_job.sql").write_text(
        "CREATE TABLE nc_sink (a STRING) WITH ('connector' = 'blackhole');\n"
        "INSERT INTO nc_sink SELECT 'x'\n"
        "INSERT INTO nc_sink SELECT 'y';\n")
    assert _rendered(project) == ["sql/nc_job.sql:2:28: syntax: missing ';' at the end of this statement"]


def test_select_on_a_new_line_is_no_missing_semicolon() -> None:
    parsed = parse_script_partial("INSERT INTO s\nSELECT a FROM t WHERE\n", "job.sql")
    assert parsed.statements == [] and len(parsed.errors) == 1
    assert "missing ';'" not in parsed.errors[0].message


def test_unterminated_string_keeps_the_statements_before_it() -> None:
    text = ("CREATE TABLE t (x STRING) WITH ('connector' = 'datagen');\n"
            "INSERT INTO s SELECT x FROM t WHERE x = 'abc;\n"
            "CREATE TABLE s (x STRING) WITH ('connector' = 'print');\n")
    parsed = parse_script_partial(text, "job.sql")
    assert [s.location.line for s in parsed.statements] == [1]
    [err] = parsed.errors
    assert err.message == "unterminated string"
    assert (err.location.line, err.location.column) == (2, 41)
    assert err.hint == "close it with ' on this line (as written, the string runs on to line 3)"
    assert len(parsed.skipped) == 1 and parsed.skipped[0].startswith("INSERT INTO s")


def test_defined_name_doctest() -> None:
    assert doctest.testmod(project_module).failed == 0
    assert project_module.defined_name("create temporary system function IF NOT EXISTS `a`.b AS 'x'") == \
        ("function", "a.b")
    assert project_module.defined_name("INSERT INTO t SELECT 1") is None
