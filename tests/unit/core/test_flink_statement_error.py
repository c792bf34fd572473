"""Flink's rejection of a compiled statement, placed where it points in the job file."""

from __future__ import annotations

from sqlflow.compiler.compiled import CompiledStatement
from sqlflow.compiler.project import Positions
from sqlflow.errors import Location
from sqlflow.flink.java import statement_error


class _Py4J(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.java_exception = text


VALIDATION = ("org.apache.flink.table.api.ValidationException: SQL validation failed. SQL validation failed. "
              "At line {}, column {}: Column 'b' not found in any table")


def _statement(start: Location, sql: str, text_starts: tuple[int, int] | None = None) -> CompiledStatement:
    """A statement as the compiler gives it: its text starts at ``text_starts`` (default: ``start``)."""
    line, column = text_starts or (start.line, start.column)
    return CompiledStatement(kind="insert", sql=sql, location=start, positions=Positions(start.file, line, column))


def test_the_spot_flink_names_becomes_a_file_location():
    start = Location("sql/job.sql", 3, 1)
    err = statement_error(_Py4J(VALIDATION.format(1, 25)), "Flink rejected this statement",
                          _statement(start, "INSERT INTO out1 SELECT b FROM src"))
    assert (str(err.location), err.message, err.rule) == (
        "sql/job.sql:3:25", "Flink rejected this statement: Column 'b' not found in any table", "flink")
    # a statement that starts mid-line, and one whose text opens with a comment line
    err = statement_error(_Py4J(VALIDATION.format(2, 8)), "x",
                          _statement(Location("j.sql", 4, 3), "INSERT INTO out1\nSELECT b FROM src"))
    assert str(err.location) == "j.sql:5:8"
    err = statement_error(_Py4J(VALIDATION.format(2, 8)), "x",
                          _statement(Location("j.sql", 9, 1), "-- note\nSELECT b FROM src", text_starts=(8, 1)))
    assert str(err.location) == "j.sql:9:8"


def test_without_a_spot_the_statement_is_the_location():
    start = Location("sql/job.sql", 3, 1)
    err = statement_error(_Py4J("org.apache.flink.table.api.ValidationException: Table 'x' not found"), "y",
                          _statement(start, "..."))
    assert (err.location, err.message) == (start, "y: Table 'x' not found")
