from __future__ import annotations

import numpy as np
import pytest

from sqlflow.udf.types import SqlType, TypeParseError, parse_type


@pytest.mark.parametrize("text, expected", [
    ("DOUBLE", "DOUBLE"),
    ("double", "DOUBLE"),
    ("INTEGER", "INT"),
    ("ARRAY<FLOAT>", "ARRAY<FLOAT>"),
    ("ARRAY<DOUBLE NOT NULL>", "ARRAY<DOUBLE NOT NULL>"),
    ("ROW<score DOUBLE, model_version STRING>", "ROW<score DOUBLE, model_version STRING>"),
    ("ROW<`a b` ARRAY<INT>, c DECIMAL(10, 2)>", "ROW<a b ARRAY<INT>, c DECIMAL(10, 2)>"),
    ("VARCHAR(20)", "VARCHAR(20)"),
    ("TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(3)"),
    ("BIGINT NOT NULL", "BIGINT NOT NULL"),
])
def test_round_trip(text, expected):
    assert str(parse_type(text)) == expected


def test_structure_and_dtypes():
    row = parse_type("ROW<score DOUBLE, ids ARRAY<BIGINT>, v STRING>")
    assert row.is_row and [n for n, _ in row.fields] == ["score", "ids", "v"]
    assert row.fields[0][1].numpy_dtype == np.dtype("float64")
    assert row.fields[1][1] == SqlType("ARRAY", elem=SqlType("BIGINT"))
    assert row.fields[2][1].is_string and row.fields[2][1].numpy_dtype is None
    assert parse_type("FLOAT").numpy_dtype == np.dtype("float32")


@pytest.mark.parametrize("text", ["DUBLE", "ARRAY<FLOAT", "ROW<a>", "ARRAY<>", "DOUBLE )", ""])
def test_bad_types_fail(text):
    with pytest.raises(TypeParseError):
        parse_type(text)
