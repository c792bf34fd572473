"""Flink type text, sqlglot DataType conversion and Flink's implicit casts."""

from __future__ import annotations

import doctest

import pytest

import sqlflow.compiler.types as types_module
from sqlflow.compiler.types import TypeSyntaxError, common_type, implicit_cast, parse_type


def test_doctests() -> None:
    assert doctest.testmod(types_module).failed == 0


@pytest.mark.parametrize("text, shown", [
    ("string", "STRING"), ("VARCHAR(10)", "VARCHAR(10)"), ("BYTES", "BYTES"), ("integer", "INT"),
    ("TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(3)"), ("TIMESTAMP_LTZ(3)", "TIMESTAMP_LTZ(3)"),
    ("MAP<STRING, ARRAY<DOUBLE>>", "MAP<STRING, ARRAY<DOUBLE>>"), ("DECIMAL(10, 2)", "DECIMAL(10, 2)"),
    ("ROW<a INT NOT NULL, `b c` STRING>", "ROW<a INT, b c STRING>"),
])
def test_parse_and_print(text: str, shown: str) -> None:
    assert str(parse_type(text)) == shown


@pytest.mark.parametrize("text", ["STRNG", "ARRAY<INT", "INT INT", ""])
def test_junk_is_refused(text: str) -> None:
    with pytest.raises(TypeSyntaxError):
        parse_type(text)


@pytest.mark.parametrize("src, dst, ok", [
    ("INT", "BIGINT", True), ("BIGINT", "INT", False), ("FLOAT", "DOUBLE", True), ("DOUBLE", "FLOAT", False),
    ("DECIMAL(10, 2)", "DOUBLE", True), ("STRING", "BIGINT", False), ("CHAR(3)", "STRING", True),
    ("TIMESTAMP(3)", "TIMESTAMP(6)", True), ("DATE", "TIMESTAMP(3)", True), ("NULL", "INT", True),
    ("ARRAY<INT>", "ARRAY<BIGINT>", True), ("ARRAY<STRING>", "ARRAY<INT>", False),
    ("ROW<a INT>", "ROW<b BIGINT>", True), ("ROW<a INT>", "ROW<a INT, b INT>", False),
])
def test_implicit_cast(src: str, dst: str, ok: bool) -> None:
    assert implicit_cast(parse_type(src), parse_type(dst)) is ok


def test_common_type_widens_numbers() -> None:
    assert str(common_type([parse_type("INT"), parse_type("DOUBLE"), parse_type("NULL")])) == "DOUBLE"
    assert str(common_type([parse_type("INT"), parse_type("STRING")])) == "ANY"
