"""Flink's rejection of a statement, placed where it points in the job file."""

from __future__ import annotations

from sqlflow.errors import Location
from sqlflow.flink.java import rejection


class _Py4J(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.java_exception = text


VALIDATION = ("org.apache.flink.table.api.ValidationException: SQL validation failed. SQL validation failed. "
              "At line {}, column {}: Column 'b' not found in any table")


def test_the_spot_flink_names_becomes_a_file_location():
    start = Location("sql/job.sql", 3, 1)
    err = rejection(_Py4J(VALIDATION.format(1, 25)), "Flink rejected this statement", start,
                    "INSERT INTO out1 SELECT b FROM src")
    assert (str(err.location), err.message, err.rule) == (
        "sql/job.sql:3:25", "Flink rejected this statement: Column 'b' not found in any table", "flink")
    # a statement that starts mid-line, and one whose text opens with a comment line
    err = rejection(_Py4J(VALIDATION.format(2, 8)), "x", Location("j.sql", 4, 3), "INSERT INTO out1\nSELECT b FROM src")
    assert str(err.location) == "j.sql:5:8"
    err = rejection(_Py4J(VALIDATION.format(2, 8)), "x", Location("j.sql", 9, 1), "-- note\nSELECT b FROM src")
    assert str(err.location) == "j.sql:9:8"


def test_without_a_spot_the_statement_is_the_location():
    start = Location("sql/job.sql", 3, 1)
    err = rejection(_Py4J("org.apache.flink.table.api.ValidationException: Table 'x' not found"), "y", start, "...")
    assert (err.location, err.message) == (start, "y: Table 'x' not found")
